//! Wording shared by the core's messages and the pages.

/// `n` and its unit, singular for one: "1 second", "30 days".
pub fn plural(n: impl Into<u64>, unit: &str) -> String {
    let n = n.into();
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_and_every_other_number_plural() {
        assert_eq!(plural(1u32, "second"), "1 second");
        assert_eq!(plural(0u32, "second"), "0 seconds");
        assert_eq!(plural(30u32, "day"), "30 days");
    }
}
