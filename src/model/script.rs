//! `.script` files: the body of the Create Script API request.

use super::field::{Scalar, model_object};
use super::job::Approver;
use crate::catalog::values::ScriptType;
use crate::json::Value;

model_object! {
    /// A script definition (`.script`).
    ///
    /// ```
    /// use dlf_bundle::Script;
    /// use dlf_bundle::model::ScriptType;
    /// let script = Script::from_slice(br#"{"name": "q1", "type": "DLISQL", "content": "select 1", "queueName": "q"}"#)?;
    /// assert_eq!(script.script_type, Some(ScriptType::DliSql));
    /// assert_eq!(script.queue_name.as_deref(), Some("q"));
    /// // Read and written back, the JSON is what it was.
    /// assert_eq!(dlf_bundle::json::to_string_compact(&script.to_value()), r#"{"name":"q1","type":"DLISQL","content":"select 1","queueName":"q"}"#);
    /// # Ok::<(), dlf_bundle::Error>(())
    /// ```
    pub struct Script {
        /// `name`
        name: String = "name",
        /// `type`
        script_type: ScriptType = "type",
        /// `content`: the script text (≤4 MB)
        content: String = "content",
        /// `directory`
        directory: String = "directory",
        /// `connectionName`
        connection_name: String = "connectionName",
        /// `database` (API documents)
        database: String = "database",
        /// `currentDatabase` (exported files)
        current_database: String = "currentDatabase",
        /// `queueName` (DLI SQL)
        queue_name: String = "queueName",
        /// `configuration`: a map, or a string in old SDK output
        configuration: Value = "configuration",
        /// `description`
        description: String = "description",
        /// `targetStatus`
        target_status: String = "targetStatus",
        /// `approvers`
        approvers: Vec<Approver> = "approvers",
        /// `id`
        id: Scalar = "id",
        /// `owner`
        owner: String = "owner",
        /// `version`
        version: Scalar = "version",
        /// `templateVersion`
        template_version: String = "templateVersion",
    }
}

impl Script {
    /// A new script.
    pub fn new(name: impl Into<String>, script_type: ScriptType, content: impl Into<String>) -> Self {
        Self {
            name: Some(name.into()),
            script_type: Some(script_type),
            content: Some(content.into()),
            ..Self::default()
        }
    }

    /// `currentDatabase` when present, else `database`.
    pub fn effective_database(&self) -> Option<&str> {
        self.current_database.as_deref().or(self.database.as_deref())
    }
}
