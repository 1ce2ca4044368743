//! A read-only view of parsed JSON. Decoding and error mapping are written against it,
//! so the same code checks `JsValue`s in the browser and `serde_json::Value`s in native
//! tests, and the browser path needs no serde (see the size notes in the README).

use alloc::{string::String, vec::Vec};
use js_sys::Array;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

/// The type of a JSON value, as far as decoding needs to know (js/json.js numbers them
/// in this order).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Null,
    Bool,
    Number,
    String,
    Array,
    Object,
    /// Not JSON at all (undefined, a function, …): only reachable from JS values.
    Other,
}

/// Read access to a parsed JSON value.
pub trait Json: Sized {
    fn kind(&self) -> Kind;
    /// The member `key` of an object; None when this is not an object or lacks it.
    fn member(&self, key: &str) -> Option<Self>;
    fn string(&self) -> Option<String>;
    fn boolean(&self) -> Option<bool>;
    /// The elements of an array; None when this is not an array.
    fn elements(&self) -> Option<Vec<Self>>;
}

#[wasm_bindgen(module = "/js/json.js")]
extern "C" {
    #[wasm_bindgen(js_name = kind)]
    fn kind_of(value: &JsValue) -> u8;
    // JSON.parse makes no getters or proxies, so reading a member cannot throw.
    #[wasm_bindgen(js_name = member)]
    fn member_of(value: &JsValue, key: &str) -> JsValue;
}

impl Json for JsValue {
    fn kind(&self) -> Kind {
        match kind_of(self) {
            0 => Kind::Null,
            1 => Kind::Bool,
            2 => Kind::Number,
            3 => Kind::String,
            4 => Kind::Array,
            5 => Kind::Object,
            _ => Kind::Other,
        }
    }

    fn member(&self, key: &str) -> Option<Self> {
        Some(member_of(self, key)).filter(|v| !v.is_undefined())
    }

    fn string(&self) -> Option<String> {
        self.as_string()
    }

    fn boolean(&self) -> Option<bool> {
        self.as_bool()
    }

    fn elements(&self) -> Option<Vec<Self>> {
        let array = self.dyn_ref::<Array>()?;
        Some(array.iter().collect())
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
impl Json for serde_json::Value {
    fn kind(&self) -> Kind {
        match self {
            Self::Null => Kind::Null,
            Self::Bool(_) => Kind::Bool,
            Self::Number(_) => Kind::Number,
            Self::String(_) => Kind::String,
            Self::Array(_) => Kind::Array,
            Self::Object(_) => Kind::Object,
        }
    }

    fn member(&self, key: &str) -> Option<Self> {
        self.as_object()?.get(key).cloned()
    }

    fn string(&self) -> Option<String> {
        self.as_str().map(str::to_owned)
    }

    fn boolean(&self) -> Option<bool> {
        self.as_bool()
    }

    fn elements(&self) -> Option<Vec<Self>> {
        self.as_array().cloned()
    }
}
