use serde::{Deserialize, Serialize};

/// How a flash message should look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FlashLevel {
    Success,
    Info,
}

/// A one-time message that survives one redirect and is shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flash {
    /// How it should look.
    pub level: FlashLevel,
    /// What it says.
    pub message: String,
}

impl Flash {
    /// A message confirming that something worked.
    pub fn success(message: impl Into<String>) -> Self {
        Self {
            level: FlashLevel::Success,
            message: message.into(),
        }
    }

    /// A neutral message.
    pub fn info(message: impl Into<String>) -> Self {
        Self {
            level: FlashLevel::Info,
            message: message.into(),
        }
    }
}
