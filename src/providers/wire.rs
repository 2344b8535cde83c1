//! How JSON objects are read: provider answers and the stored snapshot alike. `wire_object!`
//! declares a struct and its `Deserialize`: each field read from a JSON object by its name
//! (or the names given), every other field skipped, a missing one `None` for an `Option`, its
//! default where one is given and a "missing field" error otherwise, as serde's derive does.
//! The derive also reads a struct from an array of its values and refuses repeated fields;
//! each of the module's wire and stored types carried that code, which no provider answer
//! and no stored value needs. These read objects only (a repeated field: the last wins).

use serde::de::{self, Deserialize, Deserializer, Visitor};
use std::borrow::Cow;
use std::fmt;

/// Declares a struct and its object-only `Deserialize` (see the module documentation). Each
/// field is written `[name | other_name =>] field: Type [= default]`: without names it is
/// read under its own.
macro_rules! wire_object {
    (
        $(#[$attr:meta])*
        $vis:vis struct $name:ident {
            $(
                $(#[$field_attr:meta])*
                $($($json:literal)|+ =>)? $field_vis:vis $field:ident: $ty:ty $(= $default:expr)?
            ),+ $(,)?
        }
    ) => {
        $(#[$attr])*
        $vis struct $name {
            $($(#[$field_attr])* $field_vis $field: $ty),+
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Fields;

                impl<'de> serde::de::Visitor<'de> for Fields {
                    type Value = $name;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
                        formatter.write_str("an object")
                    }

                    fn visit_map<A: serde::de::MapAccess<'de>>(
                        self,
                        mut map: A,
                    ) -> Result<$name, A::Error> {
                        $(let mut $field: Option<$ty> = None;)+
                        while let Some(key) = map.next_key::<$crate::providers::wire::Key>()? {
                            match key.name() {
                                $(wire_object!(@names $field $($($json)|+)?) => {
                                    $field = Some(map.next_value()?)
                                })+
                                _ => {
                                    map.next_value::<serde::de::IgnoredAny>()?;
                                }
                            }
                        }
                        Ok($name {
                            $($field: match $field {
                                Some(value) => value,
                                None => wire_object!(@missing $field $(, $default)?),
                            }),+
                        })
                    }
                }

                deserializer.deserialize_map(Fields)
            }
        }
    };
    (@names $field:ident) => { stringify!($field) };
    (@names $field:ident $($json:literal)|+) => { $($json)|+ };
    (@missing $field:ident) => { $crate::providers::wire::Field::missing(stringify!($field))? };
    (@missing $field:ident, $default:expr) => { $default };
}
pub(crate) use wire_object;

/// A field's value when the object does not have it: by default, an error.
pub(crate) trait Field: Sized {
    fn missing<E: de::Error>(name: &'static str) -> Result<Self, E> {
        Err(E::missing_field(name))
    }
}

impl<T> Field for Option<T> {
    fn missing<E: de::Error>(_: &'static str) -> Result<Self, E> {
        Ok(None)
    }
}

impl Field for String {}
impl Field for bool {}
impl<T> Field for Vec<T> {}

/// An object's key, borrowed from the body unless it has escapes.
pub(crate) struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    pub(crate) fn name(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;

        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("a field name")
            }

            fn visit_borrowed_str<E: de::Error>(self, name: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(name)))
            }

            fn visit_str<E: de::Error>(self, name: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(name.to_owned())))
            }
        }

        deserializer.deserialize_str(KeyVisitor)
    }
}

#[cfg(test)]
mod tests {
    wire_object! {
        #[derive(Debug, PartialEq)]
        struct Sample {
            id: String,
            "type" | "kind" => kind: Option<String>,
            count: Option<u64>,
            tags: Vec<String>,
        }
    }

    fn read(json: &str) -> Result<Sample, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn fields_are_read_by_name_and_others_skipped() {
        let sample =
            read(r#"{"count": 3, "id": "a\"b", "extra": {"x": [1]}, "kind": "k", "tags": []}"#)
                .unwrap();
        assert_eq!(
            sample,
            Sample {
                id: "a\"b".into(),
                kind: Some("k".into()),
                count: Some(3),
                tags: Vec::new(),
            }
        );
        let renamed = read(r#"{"id": "1", "type": "t", "count": null, "tags": ["x"]}"#).unwrap();
        assert_eq!((renamed.kind.as_deref(), renamed.count), (Some("t"), None));
    }

    #[test]
    fn missing_required_fields_and_wrong_types_are_errors_of_shape() {
        use serde_json::error::Category;
        for json in [
            r#"{"tags": []}"#,
            r#"{"id": "1"}"#,
            r#"{"id": 1, "tags": []}"#,
            r#"{"id": "1", "tags": [], "count": "3"}"#,
            r#"["1", null, null, []]"#,
            r#""text""#,
        ] {
            assert_eq!(read(json).unwrap_err().classify(), Category::Data, "{json}");
        }
        assert_eq!(
            read(r#"{"id": "1", "tags": ["#).unwrap_err().classify(),
            Category::Eof
        );
    }
}
