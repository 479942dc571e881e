//! `.resource` files: the body of the Create Resource API request.

use super::field::{Scalar, model_object};
use crate::catalog::values::ResourceType;

model_object! {
    /// A resource definition (`.resource`): it points at a file on OBS.
    ///
    /// ```
    /// use dlf_bundle::Resource;
    /// use dlf_bundle::model::ResourceType;
    /// let resource = Resource::from_slice(br#"{"name": "lib", "type": "jar", "location": "obs://bucket/lib.jar"}"#)?;
    /// assert_eq!(resource.resource_type, Some(ResourceType::Jar));
    /// assert_eq!(resource.location.as_deref(), Some("obs://bucket/lib.jar"));
    /// # Ok::<(), dlf_bundle::Error>(())
    /// ```
    pub struct Resource {
        /// `name` (1–32 characters)
        name: String = "name",
        /// `type`
        resource_type: ResourceType = "type",
        /// `location`: OBS path of the file
        location: String = "location",
        /// `dependFiles`
        depend_files: Vec<String> = "dependFiles",
        /// `dependPackages` (wins over `dependFiles` when both are present)
        depend_packages: Vec<DependPackage> = "dependPackages",
        /// `desc`
        desc: String = "desc",
        /// `directory`
        directory: String = "directory",
        /// `id`
        id: Scalar = "id",
    }
}

impl Resource {
    /// A new resource.
    pub fn new(name: impl Into<String>, resource_type: ResourceType, location: impl Into<String>) -> Self {
        Self {
            name: Some(name.into()),
            resource_type: Some(resource_type),
            location: Some(location.into()),
            ..Self::default()
        }
    }
}

model_object! {
    /// An item of `dependPackages`.
    pub struct DependPackage {
        /// `type`
        package_type: String = "type",
        /// `location`
        location: String = "location",
    }
}
