//! Where and as whom to call: the base URL and the `Authorization` value, checked once
//! and shared by every call of a client.

use crate::auth;
use crate::error::Error;
use crate::url;

pub(crate) struct Server {
    pub base_url: String,
    /// `Bearer <token>`: the only place the token is kept.
    pub authorization: String,
}

impl Server {
    pub fn new(base_url: &str, token: &str) -> Result<Self, Error> {
        Ok(Self {
            base_url: url::base_url(base_url).map_err(Error::invalid_argument)?,
            authorization: auth::authorization(token).map_err(Error::invalid_argument)?,
        })
    }

    /// The token, to blank it out of anything the server says.
    pub fn token(&self) -> &str {
        self.authorization
            .strip_prefix("Bearer ")
            .unwrap_or_default()
    }
}
