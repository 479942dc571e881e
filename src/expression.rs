//! EL expressions `#{…}` in node properties: the parser, and what the
//! DataArts expression reference documents (objects, methods, arities).

use std::fmt;

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Expr {
    /// A number, as written.
    Number(String),
    /// A string literal, unquoted.
    Text(String),
    /// `true`, `false`.
    Bool(bool),
    /// `null`.
    Null,
    /// A name: `Job`, `DateUtil`, a variable.
    Name(String),
    /// `object.member`.
    Member(Box<Expr>, String),
    /// `callee(arguments)`.
    Call(Box<Expr>, Vec<Expr>),
    /// `object[index]`.
    Index(Box<Expr>, Box<Expr>),
    /// `!x`, `-x`.
    Unary(char, Box<Expr>),
    /// `a op b`.
    Binary(Box<Expr>, &'static str, Box<Expr>),
    /// `a ? b : c`.
    Conditional(Box<Expr>, Box<Expr>, Box<Expr>),
}

/// The canonical text: operators spaced, `, ` between arguments, strings in
/// double quotes, parentheses only where precedence needs them. Parsing
/// the printed text gives the same expression, and an expression written
/// canonically prints back to the same text.
///
/// ```
/// use dlf_bundle::expression::parse;
/// let text = r#"DateUtil.format(DateUtil.addDays(Job.planTime, -1), "yyyyMMdd")"#;
/// assert_eq!(parse(text).unwrap().to_string(), text);
/// assert_eq!(parse("(a+b)*c").unwrap().to_string(), "(a + b) * c");
/// ```
impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Number(text) | Self::Name(text) => f.write_str(text),
            Self::Text(text) => {
                f.write_str("\"")?;
                for c in text.chars() {
                    if matches!(c, '"' | '\\') {
                        f.write_str("\\")?;
                    }
                    write!(f, "{c}")?;
                }
                f.write_str("\"")
            }
            Self::Bool(value) => write!(f, "{value}"),
            Self::Null => f.write_str("null"),
            Self::Member(object, member) => {
                // `1.x` would read as the number `1.` then `x`.
                let number = matches!(**object, Self::Number(_));
                write_operand(f, object, if number { Precedence::MAX } else { Precedence::POSTFIX })?;
                write!(f, ".{member}")
            }
            Self::Call(callee, arguments) => {
                write_operand(f, callee, Precedence::POSTFIX)?;
                f.write_str("(")?;
                for (index, argument) in arguments.iter().enumerate() {
                    if index > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{argument}")?;
                }
                f.write_str(")")
            }
            Self::Index(object, index) => {
                write_operand(f, object, Precedence::POSTFIX)?;
                write!(f, "[{index}]")
            }
            Self::Unary(operator, operand) => {
                write!(f, "{operator}")?;
                write_operand(f, operand, Precedence::UNARY)
            }
            Self::Binary(left, operator, right) => {
                let level = binary_precedence(operator);
                // Left-associative: a right operand of the same level needs parentheses.
                write_operand(f, left, level)?;
                write!(f, " {operator} ")?;
                write_operand(f, right, Precedence(level.0 + 1))
            }
            Self::Conditional(condition, then, otherwise) => {
                write_operand(f, condition, Precedence(1))?;
                write!(f, " ? {then} : {otherwise}")
            }
        }
    }
}

/// How tightly an expression binds: 0 for a conditional, 1 to 5 for the
/// binary levels, then unary, then postfix and primary expressions.
#[derive(Clone, Copy, PartialEq, PartialOrd)]
struct Precedence(u8);

impl Precedence {
    const UNARY: Self = Self(6);
    const POSTFIX: Self = Self(7);
    /// More than any expression has: always parenthesised.
    const MAX: Self = Self(8);

    fn of(expr: &Expr) -> Self {
        match expr {
            Expr::Conditional(..) => Self(0),
            Expr::Binary(_, operator, _) => binary_precedence(operator),
            Expr::Unary(..) => Self::UNARY,
            _ => Self::POSTFIX,
        }
    }
}

/// Binary operators by precedence level, loosest first.
const LEVELS: [&[&str]; 5] = [&["||"], &["&&"], &["==", "!=", "<=", ">=", "<", ">"], &["+", "-"], &["*", "/", "%"]];

fn binary_precedence(operator: &str) -> Precedence {
    let level = LEVELS.iter().position(|operators| operators.contains(&operator)).unwrap_or_default();
    Precedence(u8::try_from(level).unwrap_or_default() + 1)
}

/// `expr`, in parentheses when it binds less tightly than `needed`.
fn write_operand(f: &mut fmt::Formatter<'_>, expr: &Expr, needed: Precedence) -> fmt::Result {
    if Precedence::of(expr) < needed { write!(f, "({expr})") } else { write!(f, "{expr}") }
}

/// One `#{…}` found in a text: where it is, its source and what it parses to.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Found {
    /// Byte offset of `#{` in the text.
    pub offset: usize,
    /// The text between the braces.
    pub source: String,
    /// The expression, or why it does not parse.
    pub parsed: Result<Expr, String>,
}

/// Every `#{…}` in `text`, in order. Braces inside string literals do not
/// close an expression; an expression left open is reported as such.
///
/// ```
/// use dlf_bundle::expression::{Expr, find};
/// let found = find(r#"dt=#{DateUtil.format(Job.planTime, "yyyyMMdd")}, x=#{Evn.get("a")"#);
/// assert!(found[0].parsed.is_ok());
/// assert_eq!(found[1].parsed, Err("unbalanced `#{`: no closing `}`".to_owned()));
/// ```
pub fn find(text: &str) -> Vec<Found> {
    let mut out = Vec::new();
    let mut rest = 0;
    while let Some(start) = text.get(rest..).and_then(|t| find_opening(t, b'#')).map(|at| at + rest) {
        let body_start = start + 2;
        let Some(length) = closing_brace(text.get(body_start..).unwrap_or_default()) else {
            let source = text.get(body_start..).unwrap_or_default().to_owned();
            out.push(Found { offset: start, source, parsed: Err("unbalanced `#{`: no closing `}`".to_owned()) });
            break;
        };
        let source = text.get(body_start..body_start + length).unwrap_or_default().to_owned();
        let parsed = parse(&source);
        out.push(Found { offset: start, source, parsed });
        rest = body_start + length + 1;
    }
    out
}

/// Where the first `#{` (`sigil` `#`: an expression) or `${` (`sigil` `$`: a
/// parameter) of `text` starts. Scripts are long and property values many,
/// while sigils are rare: memchr finds each in one pass, with no searcher to
/// build per text.
pub(crate) fn find_opening(text: &str, sigil: u8) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(at) = memchr::memchr(sigil, bytes.get(from..)?) {
        let at = from + at;
        if bytes.get(at + 1) == Some(&b'{') {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// The length up to the `}` that closes an expression, skipping quoted text.
fn closing_brace(body: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut depth = 0_usize;
    let mut escaped = false;
    for (at, c) in body.char_indices() {
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                '"' | '\'' => quote = Some(c),
                '{' => depth += 1,
                '}' if depth == 0 => return Some(at),
                '}' => depth -= 1,
                _ => {}
            },
        }
    }
    None
}

/// Parses the text of one expression (without `#{` and `}`).
///
/// # Errors
/// A message saying what is wrong and where (character offset).
pub fn parse(source: &str) -> Result<Expr, String> {
    let tokens = tokenize(source)?;
    // Bounds the tree's depth, so that parsing, printing and dropping it
    // stay within the stack whatever a hostile file holds.
    if tokens.len() > MAX_TOKENS {
        return Err(format!("longer than {MAX_TOKENS} tokens; split it over job parameters"));
    }
    let mut parser = Parser { tokens: &tokens, at: 0, depth: 0 };
    let expr = parser.conditional()?;
    match parser.peek() {
        None => Ok(expr),
        Some(token) => Err(format!("unexpected `{token}` after the expression")),
    }
}

/// Far more than the expressions of real jobs (a few dozen tokens).
const MAX_TOKENS: usize = 1000;

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Number(String),
    Text(String),
    Name(String),
    Symbol(&'static str),
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Number(text) | Self::Name(text) => f.write_str(text),
            Self::Text(text) => write!(f, "\"{text}\""),
            Self::Symbol(symbol) => f.write_str(symbol),
        }
    }
}

const SYMBOLS: [&str; 23] = [
    "==", "!=", "<=", ">=", "&&", "||", "(", ")", "[", "]", ".", ",", "?", ":", "+", "-", "*", "/", "%", "<", ">", "!",
    "=",
];

fn tokenize(source: &str) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    let chars: Vec<(usize, char)> = source.char_indices().collect();
    let mut i = 0;
    while let Some(&(at, c)) = chars.get(i) {
        if c.is_whitespace() {
            i += 1;
        } else if c == '"' || c == '\'' {
            let mut text = String::new();
            let mut j = i + 1;
            loop {
                match chars.get(j) {
                    None => return Err(format!("unbalanced quote `{c}` at {at}")),
                    Some(&(_, '\\')) => {
                        if let Some(&(_, escaped)) = chars.get(j + 1) {
                            text.push(escaped);
                        }
                        j += 2;
                    }
                    Some(&(_, q)) if q == c => break,
                    Some(&(_, other)) => {
                        text.push(other);
                        j += 1;
                    }
                }
            }
            tokens.push(Token::Text(text));
            i = j + 1;
        } else if c.is_ascii_digit() {
            let mut j = i;
            while chars.get(j).is_some_and(|&(_, d)| d.is_ascii_digit() || d == '.') {
                j += 1;
            }
            tokens.push(Token::Number(chars.get(i..j).unwrap_or_default().iter().map(|(_, d)| d).collect()));
            i = j;
        } else if c.is_alphabetic() || c == '_' || c == '$' {
            let mut j = i;
            while chars.get(j).is_some_and(|&(_, d)| d.is_alphanumeric() || d == '_' || d == '$') {
                j += 1;
            }
            tokens.push(Token::Name(chars.get(i..j).unwrap_or_default().iter().map(|(_, d)| d).collect()));
            i = j;
        } else {
            let rest = source.get(at..).unwrap_or_default();
            let symbol =
                SYMBOLS.iter().find(|s| rest.starts_with(**s)).ok_or_else(|| format!("unexpected `{c}` at {at}"))?;
            tokens.push(Token::Symbol(symbol));
            i += symbol.len();
        }
    }
    Ok(tokens)
}

struct Parser<'a> {
    tokens: &'a [Token],
    at: usize,
    /// Parentheses, arguments, indexes, branches and unary operators open.
    depth: usize,
}

/// Deepest nesting the parser follows (real expressions nest a few levels).
const MAX_NESTING: usize = 64;

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn eat(&mut self, symbol: &str) -> bool {
        if matches!(self.peek(), Some(Token::Symbol(s)) if *s == symbol) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, symbol: &str) -> Result<(), String> {
        if self.eat(symbol) {
            Ok(())
        } else {
            Err(match self.peek() {
                Some(token) => format!("expected `{symbol}`, found `{token}`"),
                None => format!("expected `{symbol}` at the end"),
            })
        }
    }

    /// Runs `parse` one nesting level deeper.
    fn nested(&mut self, parse: impl FnOnce(&mut Self) -> Result<Expr, String>) -> Result<Expr, String> {
        if self.depth == MAX_NESTING {
            return Err(format!("nested deeper than {MAX_NESTING} levels"));
        }
        self.depth += 1;
        let expr = parse(self);
        self.depth -= 1;
        expr
    }

    fn conditional(&mut self) -> Result<Expr, String> {
        self.nested(Self::conditional_at_this_level)
    }

    fn conditional_at_this_level(&mut self) -> Result<Expr, String> {
        let condition = self.binary(0)?;
        if !self.eat("?") {
            return Ok(condition);
        }
        let then = self.conditional()?;
        self.expect(":")?;
        let otherwise = self.conditional()?;
        Ok(Expr::Conditional(Box::new(condition), Box::new(then), Box::new(otherwise)))
    }

    fn binary(&mut self, level: usize) -> Result<Expr, String> {
        let Some(operators) = LEVELS.get(level) else { return self.unary() };
        let mut left = self.binary(level + 1)?;
        loop {
            let Some(Token::Symbol(symbol)) = self.peek() else { return Ok(left) };
            let Some(operator) = operators.iter().find(|o| **o == *symbol) else { return Ok(left) };
            self.at += 1;
            let right = self.binary(level + 1)?;
            left = Expr::Binary(Box::new(left), operator, Box::new(right));
        }
    }

    fn unary(&mut self) -> Result<Expr, String> {
        for operator in ['!', '-'] {
            if self.eat(&operator.to_string()) {
                return Ok(Expr::Unary(operator, Box::new(self.nested(Self::unary)?)));
            }
        }
        self.postfix()
    }

    fn postfix(&mut self) -> Result<Expr, String> {
        let mut expr = self.primary()?;
        loop {
            if self.eat(".") {
                match self.peek().cloned() {
                    Some(Token::Name(member)) => {
                        self.at += 1;
                        expr = Expr::Member(Box::new(expr), member);
                    }
                    _ => return Err("expected a member name after `.`".to_owned()),
                }
            } else if self.eat("(") {
                let mut arguments = Vec::new();
                if !self.eat(")") {
                    loop {
                        arguments.push(self.conditional()?);
                        if self.eat(")") {
                            break;
                        }
                        if !self.eat(",") {
                            return Err(match self.peek() {
                                Some(token) => format!("expected `,` or `)` in the arguments, found `{token}`"),
                                None => "expected `,` or `)`: the arguments are not closed".to_owned(),
                            });
                        }
                    }
                }
                expr = Expr::Call(Box::new(expr), arguments);
            } else if self.eat("[") {
                let index = self.conditional()?;
                self.expect("]")?;
                expr = Expr::Index(Box::new(expr), Box::new(index));
            } else {
                return Ok(expr);
            }
        }
    }

    fn primary(&mut self) -> Result<Expr, String> {
        let token = self.peek().cloned().ok_or("expected a value at the end")?;
        self.at += 1;
        Ok(match token {
            Token::Number(text) => Expr::Number(text),
            Token::Text(text) => Expr::Text(text),
            Token::Name(name) => match name.as_str() {
                "true" => Expr::Bool(true),
                "false" => Expr::Bool(false),
                "null" => Expr::Null,
                _ => Expr::Name(name),
            },
            Token::Symbol("(") => {
                let inner = self.conditional()?;
                self.expect(")")?;
                inner
            }
            Token::Symbol(symbol) => return Err(format!("unexpected `{symbol}`")),
        })
    }
}

/// The objects of the expression reference, with their methods and
/// properties; `None`: any method (`StringUtil` has those of Apache Commons
/// `StringUtils`).
pub(crate) const OBJECTS: [(&str, Option<&[&str]>); 7] = [
    ("Env", Some(&["get"])),
    (
        "Job",
        Some(&[
            "name",
            "planTime",
            "startTime",
            "eventData",
            "projectId",
            "getNodeStatus",
            "getNodeOutput",
            "getParam",
            "getPlanTime",
            "getYesterday",
            "getLastHour",
            "getRunningData",
            "getInsertJobId",
            "getPreviousWorkday",
            "getPreviousNonWorkday",
            "getCalendarPreviousWorkday",
            "getCalendarPreviousNonWorkday",
            "getCalendarNextWorkday",
            "getCalendarNextNonWorkday",
        ]),
    ),
    (
        "DateUtil",
        Some(&[
            "format",
            "addMonths",
            "addDays",
            "addHours",
            "addMinutes",
            "getDay",
            "getMonth",
            "getQuarter",
            "getYear",
            "getTime",
            "now",
            "parseDate",
        ]),
    ),
    ("StringUtil", None),
    ("JSONUtil", Some(&["parse", "path", "toString"])),
    ("OBSUtil", Some(&["isExistOBSPath"])),
    ("Loop", Some(&["current", "dataArray", "offset"])),
];

/// Argument counts the reference fixes.
pub(crate) const ARITY: [(&str, &str, usize); 11] = [
    ("Env", "get", 1),
    ("Job", "getNodeStatus", 1),
    ("Job", "getNodeOutput", 1),
    ("Job", "getRunningData", 1),
    ("Job", "getParam", 1),
    ("DateUtil", "format", 2),
    ("DateUtil", "addMonths", 2),
    ("DateUtil", "addDays", 2),
    ("DateUtil", "addHours", 2),
    ("DateUtil", "addMinutes", 2),
    ("JSONUtil", "path", 2),
];

/// Every `object.member` (with its call's arguments, when called) in `expr`.
pub(crate) fn members(expr: &Expr) -> Vec<(&str, &str, Option<&[Expr]>)> {
    let mut out = Vec::new();
    collect(expr, &mut out);
    out
}

fn collect<'a>(expr: &'a Expr, out: &mut Vec<(&'a str, &'a str, Option<&'a [Expr]>)>) {
    match expr {
        Expr::Call(callee, arguments) => {
            if let Expr::Member(object, member) = &**callee
                && let Expr::Name(object) = &**object
            {
                out.push((object, member, Some(arguments)));
            } else {
                collect(callee, out);
            }
            for argument in arguments {
                collect(argument, out);
            }
        }
        Expr::Member(object, member) => match &**object {
            Expr::Name(name) => out.push((name, member, None)),
            other => collect(other, out),
        },
        Expr::Index(a, b) | Expr::Binary(a, _, b) => {
            collect(a, out);
            collect(b, out);
        }
        Expr::Unary(_, a) => collect(a, out),
        Expr::Conditional(a, b, c) => {
            collect(a, out);
            collect(b, out);
            collect(c, out);
        }
        _ => {}
    }
}
