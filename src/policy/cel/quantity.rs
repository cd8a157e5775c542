//! The Kubernetes quantity library: `quantity('1.5Gi')`, `isQuantity`,
//! comparisons (`isGreaterThan`, `isLessThan`, `compareTo`, `==`),
//! conversions (`asInteger`, `isInteger`, `asApproximateFloat`), `sign`,
//! `add` and `sub` — with the parsing rules of `resource.ParseQuantity`.

use super::values::{int_arg, string_arg, take, wrong_type};
use cel::common::types::{CelBool, CelDouble, CelInt, INT_TYPE, STRING_TYPE, Type};
use cel::common::value::{CowVal, StaticVal, Val};
use cel::{DeclarationError, Env, ExecutionError};
use std::any::Any;
use std::cmp::Ordering;

/// The CEL type of quantities.
pub static QUANTITY_TYPE: Type = QUANTITY;

/// [`QUANTITY_TYPE`] by value, for declaring overloads.
const QUANTITY: Type = Type::new_unspecified_type("kubernetes.Quantity");

/// An exact quantity: `mantissa × 10^exponent`, with no trailing zeros in
/// the mantissa (so equal quantities have equal fields).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quantity {
    mantissa: i128,
    exponent: i32,
}

/// Finest precision a quantity keeps (nano); finer values round up.
const MIN_EXPONENT: i32 = -9;

impl Quantity {
    fn new(mantissa: i128, exponent: i32) -> Quantity {
        let (mut mantissa, mut exponent) = (mantissa, exponent);
        if mantissa == 0 {
            return Quantity {
                mantissa: 0,
                exponent: 0,
            };
        }
        while mantissa % 10 == 0 {
            mantissa /= 10;
            exponent += 1;
        }
        Quantity { mantissa, exponent }
    }

    /// Parses a quantity as the API server does: an optionally signed
    /// decimal number, then a suffix (`Ki`…`Ei`, `n`, `u`, `m`, none, `k`,
    /// `M`…`E`, or an exponent `e3`/`E-2`).
    pub fn parse(text: &str) -> Result<Quantity, String> {
        let bad = || {
            format!(
                "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$', got {text:?}"
            )
        };
        let (negative, rest) = match text.as_bytes().first() {
            Some(b'-') => (true, &text[1..]),
            Some(b'+') => (false, &text[1..]),
            _ => (false, text),
        };
        let number_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (number, suffix) = rest.split_at(number_end);
        let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
        if whole.is_empty() && fraction.is_empty() || fraction.contains('.') {
            return Err(bad());
        }
        let digits = format!("{whole}{fraction}");
        let digits = digits.trim_start_matches('0');
        let mut mantissa: i128 = if digits.is_empty() {
            0
        } else {
            digits
                .parse()
                .map_err(|_| format!("quantity {text:?} is too large"))?
        };
        let mut exponent = -i32::try_from(fraction.len()).map_err(|_| bad())?;
        match suffix {
            "" => {}
            "n" => exponent -= 9,
            "u" => exponent -= 6,
            "m" => exponent -= 3,
            "k" => exponent += 3,
            "M" => exponent += 6,
            "G" => exponent += 9,
            "T" => exponent += 12,
            "P" => exponent += 15,
            "E" => exponent += 18,
            "Ki" | "Mi" | "Gi" | "Ti" | "Pi" | "Ei" => {
                let power = match suffix {
                    "Ki" => 10,
                    "Mi" => 20,
                    "Gi" => 30,
                    "Ti" => 40,
                    "Pi" => 50,
                    _ => 60,
                };
                mantissa = mantissa
                    .checked_mul(1i128 << power)
                    .ok_or_else(|| format!("quantity {text:?} is too large"))?;
            }
            _ => {
                let power = suffix
                    .strip_prefix(['e', 'E'])
                    .and_then(|p| p.parse::<i32>().ok())
                    .ok_or_else(bad)?;
                exponent = exponent.checked_add(power).ok_or_else(bad)?;
            }
        }
        if negative {
            mantissa = -mantissa;
        }
        let quantity = Quantity::new(mantissa, exponent);
        Ok(quantity.round_to_nano())
    }

    /// Values finer than a nano round up, away from zero (`0.1n` is `1n`).
    fn round_to_nano(self) -> Quantity {
        if self.exponent >= MIN_EXPONENT {
            return self;
        }
        let drop = (MIN_EXPONENT - self.exponent).unsigned_abs();
        let Some(divisor) = 10i128.checked_pow(drop) else {
            let unit = if self.mantissa < 0 { -1 } else { 1 };
            return Quantity::new(unit, MIN_EXPONENT);
        };
        let mut kept = self.mantissa / divisor;
        if self.mantissa % divisor != 0 {
            kept += self.mantissa.signum();
        }
        Quantity::new(kept, MIN_EXPONENT)
    }

    /// Both mantissas scaled to the smaller exponent, or None on overflow.
    fn aligned(self, other: Quantity) -> Option<(i128, i128, i32)> {
        let exponent = self.exponent.min(other.exponent);
        let scale = |q: Quantity| {
            10i128
                .checked_pow((q.exponent - exponent).unsigned_abs())
                .and_then(|f| q.mantissa.checked_mul(f))
        };
        Some((scale(self)?, scale(other)?, exponent))
    }

    /// Orders two quantities exactly (far apart magnitudes by their size).
    pub fn compare(self, other: Quantity) -> Ordering {
        match self.aligned(other) {
            Some((a, b, _)) => a.cmp(&b),
            None => self.as_f64().total_cmp(&other.as_f64()),
        }
    }

    fn sum(self, other: Quantity) -> Result<Quantity, ExecutionError> {
        self.aligned(other)
            .and_then(|(a, b, e)| Some(Quantity::new(a.checked_add(b)?, e)))
            .ok_or_else(|| ExecutionError::function_error("add", "quantity out of range"))
    }

    fn negated(self) -> Quantity {
        Quantity::new(-self.mantissa, self.exponent)
    }

    /// The value as an int64, when it is a whole number in range.
    pub fn as_i64(self) -> Option<i64> {
        if self.exponent < 0 {
            return None;
        }
        let factor = 10i128.checked_pow(self.exponent.unsigned_abs())?;
        i64::try_from(self.mantissa.checked_mul(factor)?).ok()
    }

    /// The value as the nearest double (may lose precision).
    pub fn as_f64(self) -> f64 {
        self.mantissa as f64 * 10f64.powi(self.exponent)
    }
}

impl Val for Quantity {
    fn get_type(&self) -> &Type {
        &QUANTITY_TYPE
    }

    fn cel_type() -> &'static Type {
        &QUANTITY_TYPE
    }

    fn equals(&self, other: &dyn Val) -> bool {
        other
            .downcast_ref::<Quantity>()
            .is_some_and(|o| self.compare(*o) == Ordering::Equal)
    }

    fn clone_as_boxed<'v>(&self) -> Box<dyn Val + 'v> {
        Box::new(*self)
    }

    fn as_any(&self) -> Option<&dyn Any> {
        Some(self)
    }
}

impl StaticVal for Quantity {}

/// Declares the quantity functions on `env`.
pub fn register(env: &mut Env) -> Result<(), DeclarationError> {
    let q = || QUANTITY;
    env.add_overload("quantity", "string_to_quantity", vec![STRING_TYPE], parse)?;
    env.add_overload(
        "isQuantity",
        "is_quantity_string",
        vec![STRING_TYPE],
        is_quantity,
    )?;
    env.add_overload("sign", "quantity_sign", vec![q()], sign)?;
    env.add_member_overload("sign", "quantity_member_sign", q(), vec![], sign)?;
    env.add_member_overload("isGreaterThan", "quantity_gt", q(), vec![q()], greater)?;
    env.add_member_overload("isLessThan", "quantity_lt", q(), vec![q()], less)?;
    env.add_member_overload("compareTo", "quantity_compare", q(), vec![q()], compare_to)?;
    env.add_member_overload("asInteger", "quantity_as_int", q(), vec![], as_integer)?;
    env.add_member_overload("isInteger", "quantity_is_int", q(), vec![], is_integer)?;
    env.add_member_overload(
        "asApproximateFloat",
        "quantity_float",
        q(),
        vec![],
        as_float,
    )?;
    env.add_member_overload("add", "quantity_add", q(), vec![q()], add)?;
    env.add_member_overload("add", "quantity_add_int", q(), vec![INT_TYPE], add)?;
    env.add_member_overload("sub", "quantity_sub", q(), vec![q()], sub)?;
    env.add_member_overload("sub", "quantity_sub_int", q(), vec![INT_TYPE], sub)?;
    Ok(())
}

fn quantity_arg(function: &str, val: &dyn Val) -> Result<Quantity, ExecutionError> {
    if let Some(q) = val.downcast_ref::<Quantity>() {
        return Ok(*q);
    }
    int_arg(function, val)
        .map(|i| Quantity::new(i128::from(i), 0))
        .map_err(|_| wrong_type(function, val, "quantity"))
}

fn parse<'b, 'v>(args: Vec<CowVal<'b, 'v>>) -> Result<CowVal<'b, 'v>, ExecutionError> {
    let [text] = take(args)?;
    let text = string_arg("quantity", text.as_ref())?;
    let q = Quantity::parse(text).map_err(|e| ExecutionError::function_error("quantity", e))?;
    Ok(CowVal::owned(q))
}

fn is_quantity<'b, 'v>(args: Vec<CowVal<'b, 'v>>) -> Result<CowVal<'b, 'v>, ExecutionError> {
    let [text] = take(args)?;
    let ok = Quantity::parse(string_arg("isQuantity", text.as_ref())?).is_ok();
    Ok(CowVal::owned(CelBool::from(ok)))
}

fn sign<'b, 'v>(args: Vec<CowVal<'b, 'v>>) -> Result<CowVal<'b, 'v>, ExecutionError> {
    let [q] = take(args)?;
    let q = quantity_arg("sign", q.as_ref())?;
    Ok(CowVal::owned(CelInt::from(q.mantissa.signum() as i64)))
}

fn ordering<'b, 'v>(function: &str, args: Vec<CowVal<'b, 'v>>) -> Result<Ordering, ExecutionError> {
    let [a, b] = take(args)?;
    Ok(quantity_arg(function, a.as_ref())?.compare(quantity_arg(function, b.as_ref())?))
}

fn greater<'b, 'v>(args: Vec<CowVal<'b, 'v>>) -> Result<CowVal<'b, 'v>, ExecutionError> {
    let o = ordering("isGreaterThan", args)?;
    Ok(CowVal::owned(CelBool::from(o == Ordering::Greater)))
}

fn less<'b, 'v>(args: Vec<CowVal<'b, 'v>>) -> Result<CowVal<'b, 'v>, ExecutionError> {
    let o = ordering("isLessThan", args)?;
    Ok(CowVal::owned(CelBool::from(o == Ordering::Less)))
}

fn compare_to<'b, 'v>(args: Vec<CowVal<'b, 'v>>) -> Result<CowVal<'b, 'v>, ExecutionError> {
    let o = ordering("compareTo", args)?;
    Ok(CowVal::owned(CelInt::from(o as i64)))
}

fn as_integer<'b, 'v>(args: Vec<CowVal<'b, 'v>>) -> Result<CowVal<'b, 'v>, ExecutionError> {
    let [q] = take(args)?;
    let value = quantity_arg("asInteger", q.as_ref())?
        .as_i64()
        .ok_or_else(|| {
            ExecutionError::function_error("asInteger", "cannot convert value to integer")
        })?;
    Ok(CowVal::owned(CelInt::from(value)))
}

fn is_integer<'b, 'v>(args: Vec<CowVal<'b, 'v>>) -> Result<CowVal<'b, 'v>, ExecutionError> {
    let [q] = take(args)?;
    let whole = quantity_arg("isInteger", q.as_ref())?.as_i64().is_some();
    Ok(CowVal::owned(CelBool::from(whole)))
}

fn as_float<'b, 'v>(args: Vec<CowVal<'b, 'v>>) -> Result<CowVal<'b, 'v>, ExecutionError> {
    let [q] = take(args)?;
    let value = quantity_arg("asApproximateFloat", q.as_ref())?.as_f64();
    Ok(CowVal::owned(CelDouble::from(value)))
}

fn add<'b, 'v>(args: Vec<CowVal<'b, 'v>>) -> Result<CowVal<'b, 'v>, ExecutionError> {
    let [a, b] = take(args)?;
    let sum = quantity_arg("add", a.as_ref())?.sum(quantity_arg("add", b.as_ref())?)?;
    Ok(CowVal::owned(sum))
}

fn sub<'b, 'v>(args: Vec<CowVal<'b, 'v>>) -> Result<CowVal<'b, 'v>, ExecutionError> {
    let [a, b] = take(args)?;
    let a = quantity_arg("sub", a.as_ref())?;
    let b = quantity_arg("sub", b.as_ref())?;
    Ok(CowVal::owned(a.sum(b.negated())?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(text: &str) -> Quantity {
        Quantity::parse(text).unwrap()
    }

    #[test]
    fn parses_every_suffix() {
        assert_eq!(q("1.5Gi").as_i64(), Some(1_610_612_736));
        assert_eq!(q("200k").as_i64(), Some(200_000));
        assert_eq!(q("1e3").as_i64(), Some(1000));
        assert_eq!(q("1E-3"), q("1m"));
        assert_eq!(q("-2M").as_i64(), Some(-2_000_000));
        assert_eq!(q("+.5").as_f64(), 0.5);
        assert_eq!(q("500m").as_i64(), None);
        assert_eq!(q("0.1n"), q("1n"), "finer than nano rounds up");
        assert_eq!(q("000"), q("0"));
        for bad in [
            "", "Mi", "200K", "Three", "1,3G", "1.2.3", "5 Mi", "1e", "--1",
        ] {
            assert!(Quantity::parse(bad).is_err(), "{bad:?} parsed");
        }
    }

    #[test]
    fn compares_across_suffixes() {
        assert_eq!(q("200M").compare(q("0.2G")), Ordering::Equal);
        assert_eq!(q("50M").compare(q("50Mi")), Ordering::Less);
        assert_eq!(q("1Ei").compare(q("1n")), Ordering::Greater);
        assert_eq!(q("-1").compare(q("1m")), Ordering::Less);
    }
}
