//! Unknown fields in a YAML file, reported as Go's strict decoding (yaml.v2's
//! `UnmarshalStrict`, yaml.v3's `KnownFields`) reports them: every one, in file
//! order, `line 7: field namespace not found in type rulefmt.RuleGroup`.

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

/// A mapping's known fields; a field with a schema holds a mapping or a list of
/// mappings checked against it.
pub struct Schema {
    pub type_name: &'static str,
    pub fields: &'static [(&'static str, Option<&'static Schema>)],
}

/// One unknown field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownField {
    pub line: u32,
    pub field: String,
    pub type_name: &'static str,
}

/// The unknown fields of `text`, a mapping described by `schema`.
pub fn unknown_fields(
    text: &str,
    schema: &'static Schema,
) -> Result<Vec<UnknownField>, serde_saphyr::Error> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    ROOT.with(|root| root.set(Some(schema)));
    let found: Found = serde_saphyr::from_str(text)?;
    Ok(found.0)
}

thread_local! {
    // serde-saphyr takes no seed, so the root schema reaches `Found` this way.
    static ROOT: std::cell::Cell<Option<&'static Schema>> = const { std::cell::Cell::new(None) };
}

struct Found(Vec<UnknownField>);

impl<'de> de::Deserialize<'de> for Found {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Found, D::Error> {
        let schema = ROOT
            .with(|root| root.get())
            .ok_or_else(|| de::Error::custom("no schema"))?;
        let mut found = Vec::new();
        Walk(schema, &mut found).deserialize(d)?;
        Ok(Found(found))
    }
}

/// Go's message: `yaml: unmarshal errors:` and a line per field; `package` is
/// the Go package the types are in (`rulefmt`, `main`).
pub fn unknown_fields_message(fields: &[UnknownField], package: &str) -> String {
    let mut message = String::from("yaml: unmarshal errors:");
    for f in fields {
        message.push_str(&format!(
            "\n  line {}: field {} not found in type {package}.{}",
            f.line, f.field, f.type_name
        ));
    }
    message
}

struct Walk<'a>(&'static Schema, &'a mut Vec<UnknownField>);

impl<'de> DeserializeSeed<'de> for Walk<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walk<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a mapping or a list of mappings")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Walk(schema, found) = self;
        while let Some(key) = map.next_key::<Spanned<String>>()? {
            match schema.fields.iter().find(|(name, _)| *name == key.value) {
                Some((_, Some(nested))) => map.next_value_seed(Walk(nested, found))?,
                Some((_, None)) => {
                    map.next_value::<IgnoredAny>()?;
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                    found.push(UnknownField {
                        line: key.referenced.line() as u32,
                        field: key.value,
                        type_name: schema.type_name,
                    });
                }
            }
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Walk(schema, found) = self;
        while seq.next_element_seed(Walk(schema, found))?.is_some() {}
        Ok(())
    }

    // Scalars where a mapping belongs are the typed decoder's to report.
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
}
