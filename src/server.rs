//! Where and as whom to call: the base URL and the `Authorization` value, checked once.
//! Clients of the same server with the same token share one `Server`, and with it the
//! polls their watches share; clients of different tokens never do.

use crate::auth;
use crate::error::Error;
use crate::poll::Registry;
use crate::url;
use std::cell::RefCell;
use std::rc::{Rc, Weak};

pub(crate) struct Server {
    pub base_url: String,
    /// `Bearer <token>`: the only place the token is kept.
    pub authorization: String,
    /// The shared polls of this server and token.
    pub polls: Registry,
}

thread_local! {
    /// The servers in use in this realm.
    static SERVERS: RefCell<Vec<Weak<Server>>> = const { RefCell::new(Vec::new()) };
}

impl Server {
    /// The server at `base_url` as the user of `token`: the one in use, or a new one.
    pub fn shared(base_url: &str, token: &str) -> Result<Rc<Self>, Error> {
        let base_url = url::base_url(base_url).map_err(Error::invalid_argument)?;
        let authorization = auth::authorization(token).map_err(Error::invalid_argument)?;
        Ok(SERVERS.with(|servers| {
            let mut servers = servers.borrow_mut();
            servers.retain(|server| server.strong_count() > 0);
            let same = |server: &Rc<Server>| {
                server.base_url == base_url && server.authorization == authorization
            };
            if let Some(server) = servers.iter().filter_map(Weak::upgrade).find(same) {
                return server;
            }
            let server = Rc::new(Self {
                base_url,
                authorization,
                polls: Registry::default(),
            });
            servers.push(Rc::downgrade(&server));
            server
        }))
    }

    /// The token, to blank it out of anything the server says.
    pub fn token(&self) -> &str {
        self.authorization
            .strip_prefix("Bearer ")
            .unwrap_or_default()
    }
}
