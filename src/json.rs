//! A read-only view of parsed JSON. Decoding and error mapping are written against it,
//! so the same code checks `JsValue`s in the browser and `serde_json::Value`s in native
//! tests, and the browser path needs no serde (see the size notes in the README).

use alloc::{string::String, vec::Vec};
use js_sys::{Array, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// The type of a JSON value, as far as decoding needs to know.
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

impl Json for JsValue {
    fn kind(&self) -> Kind {
        if self.is_null() {
            Kind::Null
        } else if self.as_bool().is_some() {
            Kind::Bool
        } else if self.as_f64().is_some() {
            Kind::Number
        } else if self.is_string() {
            Kind::String
        } else if Array::is_array(self) {
            Kind::Array
        } else if self.is_object() && !self.is_function() {
            Kind::Object
        } else {
            Kind::Other
        }
    }

    fn member(&self, key: &str) -> Option<Self> {
        if self.kind() != Kind::Object {
            return None;
        }
        // Reflect.get only throws on a proxy or a throwing getter, which JSON.parse
        // never produces; treat that like a missing member all the same.
        Reflect::get(self, &JsValue::from_str(key))
            .ok()
            .filter(|v| !v.is_undefined())
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
