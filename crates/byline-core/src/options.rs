//! What a component type's options are, for `byline list TYPE`: read from its config
//! struct's JSON Schema, which `#[derive(JsonSchema)]` builds from the same struct, serde
//! attributes and doc comments that parse the config. One source of truth, as Vector
//! generates its reference from its config types.

use serde_json::Value;

/// One option of a component type.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OptionDoc {
    pub name: String,
    /// `string`, `integer`, `boolean`, `array of string`, `"json" | "pretty"`, ...
    #[serde(rename = "type")]
    pub kind: String,
    /// The default as JSON, when the schema knows it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    pub required: bool,
    /// The field's doc comment.
    pub doc: String,
}

/// The options of the config struct `C`, in declaration order.
pub fn options_of<C: schemars::JsonSchema>() -> Vec<OptionDoc> {
    let schema = schemars::SchemaGenerator::default().into_root_schema_for::<C>();
    options_in(&schema.to_value())
}

/// The options described by a JSON Schema object.
pub fn options_in(schema: &Value) -> Vec<OptionDoc> {
    let required: Vec<&str> = schema["required"]
        .as_array()
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let Some(properties) = schema["properties"].as_object() else {
        return Vec::new();
    };
    properties
        .iter()
        .map(|(name, property)| {
            let resolved = resolve(schema, property);
            OptionDoc {
                name: name.clone(),
                kind: type_name(schema, property),
                default: property
                    .get("default")
                    .or_else(|| resolved.get("default"))
                    .filter(|default| !default.is_null())
                    .map(Value::to_string),
                required: required.contains(&name.as_str()),
                doc: property
                    .get("description")
                    .or_else(|| resolved.get("description"))
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
            }
        })
        .collect()
}

/// A `$ref` to the schema's own definitions, followed.
fn resolve<'a>(root: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => reference
            .strip_prefix("#/$defs/")
            .and_then(|name| root["$defs"].get(name))
            .unwrap_or(schema),
        None => schema,
    }
}

fn type_name(root: &Value, schema: &Value) -> String {
    let schema = resolve(root, schema);
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        return values
            .iter()
            .map(Value::to_string)
            .collect::<Vec<_>>()
            .join(" | ");
    }
    for combinator in ["oneOf", "anyOf"] {
        if let Some(choices) = schema.get(combinator).and_then(Value::as_array) {
            let names: Vec<String> = choices
                .iter()
                .map(|choice| {
                    choice
                        .get("const")
                        .map(Value::to_string)
                        .unwrap_or_else(|| type_name(root, choice))
                })
                .filter(|name| name != "null")
                .collect();
            return names.join(" | ");
        }
    }
    match schema.get("type") {
        Some(Value::String(kind)) if kind == "array" => {
            format!("array of {}", type_name(root, &schema["items"]))
        }
        Some(Value::String(kind)) if kind == "object" => "table".to_string(),
        Some(Value::String(kind)) => kind.clone(),
        Some(Value::Array(kinds)) => kinds
            .iter()
            .filter_map(Value::as_str)
            .filter(|kind| *kind != "null")
            .collect::<Vec<_>>()
            .join(" | "),
        _ => "any".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// How it is written.
    #[derive(schemars::JsonSchema, serde::Deserialize)]
    #[serde(rename_all = "lowercase")]
    #[allow(dead_code)]
    enum Style {
        Json,
        Pretty,
    }

    #[derive(schemars::JsonSchema, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Example {
        /// Where to write.
        path: String,
        /// Rotate past this many bytes.
        #[serde(default)]
        max_bytes: Option<u64>,
        /// Sync before acknowledging.
        #[serde(default = "yes")]
        fsync: bool,
        #[serde(default)]
        style: Option<Style>,
        /// Files to read.
        #[serde(default)]
        paths: Vec<String>,
    }

    fn yes() -> bool {
        true
    }

    #[test]
    fn names_types_defaults_and_docs_come_from_the_struct() {
        let options = options_of::<Example>();
        let by_name = |name: &str| {
            options
                .iter()
                .find(|o| o.name == name)
                .cloned()
                .unwrap_or_else(|| panic!("{name} missing from {options:?}"))
        };
        let path = by_name("path");
        assert_eq!((path.kind.as_str(), path.required), ("string", true));
        assert_eq!(path.doc, "Where to write.");
        let max_bytes = by_name("max_bytes");
        assert_eq!(
            (max_bytes.kind.as_str(), max_bytes.required),
            ("integer", false)
        );
        let fsync = by_name("fsync");
        assert_eq!(fsync.default.as_deref(), Some("true"));
        assert_eq!(by_name("style").kind, "\"json\" | \"pretty\"");
        assert_eq!(by_name("paths").kind, "array of string");
    }
}
