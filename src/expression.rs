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
            Expr::Number(_)
            | Expr::Text(_)
            | Expr::Bool(_)
            | Expr::Null
            | Expr::Name(_)
            | Expr::Member(..)
            | Expr::Call(..)
            | Expr::Index(..) => Self::POSTFIX,
        }
    }
}

/// Binary operators by precedence level, loosest first.
const LEVELS: [&[&str]; 5] = [&["||"], &["&&"], &["==", "!=", "<=", ">=", "<", ">"], &["+", "-"], &["*", "/", "%"]];

fn binary_precedence(operator: &str) -> Precedence {
    // The parser builds no operator without a level; one would bind loosest,
    // so it is parenthesized wherever that matters.
    let level = LEVELS.iter().zip(1..).find(|(operators, _)| operators.contains(&operator));
    Precedence(level.map_or(1, |(_, level)| level))
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
    pub parsed: Result<Expr, SyntaxError>,
}

/// Why an expression does not parse, and where.
///
/// ```
/// use dlf_bundle::expression::{parse, SyntaxErrorKind};
/// let error = parse("Job.name +").unwrap_err();
/// assert_eq!(error.kind(), &SyntaxErrorKind::Unexpected { found: None, expected: "a value" });
/// assert_eq!(error.offset(), 10);
/// assert_eq!(error.to_string(), "expected a value at the end");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    kind: SyntaxErrorKind,
    offset: usize,
}

/// What is wrong with an expression.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SyntaxErrorKind {
    /// `#{` with no `}` closing it.
    Unclosed,
    /// A string literal opened with this quote and never closed.
    UnclosedQuote(char),
    /// A character that starts no token.
    UnexpectedCharacter(char),
    /// A token where something else must stand; `found: None`: the end.
    Unexpected {
        /// The token found, as written; `None` at the end of the expression.
        found: Option<String>,
        /// What must stand there (`` `)` ``, `a value`, …).
        expected: &'static str,
    },
    /// More tokens than the parser takes ([`MAX_TOKENS`]).
    TooLong,
    /// Nested deeper than the parser follows ([`MAX_NESTING`]).
    TooDeep,
}

impl SyntaxError {
    fn new(kind: SyntaxErrorKind, offset: usize) -> Self {
        Self { kind, offset }
    }

    /// What is wrong.
    pub fn kind(&self) -> &SyntaxErrorKind {
        &self.kind
    }

    /// Byte offset in the expression's text (after `#{`) where the problem is.
    pub fn offset(&self) -> usize {
        self.offset
    }
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            SyntaxErrorKind::Unclosed => f.write_str("unbalanced `#{`: no closing `}`"),
            SyntaxErrorKind::UnclosedQuote(quote) => write!(f, "unbalanced quote `{quote}` at {}", self.offset),
            SyntaxErrorKind::UnexpectedCharacter(c) => write!(f, "unexpected `{c}` at {}", self.offset),
            SyntaxErrorKind::Unexpected { found: Some(found), expected } => {
                write!(f, "expected {expected}, found `{found}` at {}", self.offset)
            }
            SyntaxErrorKind::Unexpected { found: None, expected } => write!(f, "expected {expected} at the end"),
            SyntaxErrorKind::TooLong => write!(f, "longer than {MAX_TOKENS} tokens; split it over job parameters"),
            SyntaxErrorKind::TooDeep => write!(f, "nested deeper than {MAX_NESTING} levels"),
        }
    }
}

impl std::error::Error for SyntaxError {}

/// Every `#{…}` in `text`, in order. Braces inside string literals do not
/// close an expression; an expression left open is reported as such.
///
/// ```
/// use dlf_bundle::expression::{find, Expr};
/// let found = find(r#"dt=#{DateUtil.format(Job.planTime, "yyyyMMdd")}, x=#{Evn.get("a")"#);
/// assert!(found[0].parsed.is_ok());
/// assert_eq!(found[1].parsed.as_ref().unwrap_err().to_string(), "unbalanced `#{`: no closing `}`");
/// ```
pub fn find(text: &str) -> Vec<Found> {
    let mut out = Vec::new();
    let mut rest = 0;
    while let Some(start) = text.get(rest..).and_then(|t| find_opening(t, b'#')).map(|at| at + rest) {
        let body_start = start + 2;
        // `find_opening` found `#{` at `start`: two ASCII bytes, so `body_start` is a boundary.
        let Some(body) = text.get(body_start..) else { break };
        let Some(length) = closing_brace(body) else {
            let parsed = Err(SyntaxError::new(SyntaxErrorKind::Unclosed, body.len()));
            out.push(Found { offset: start, source: body.to_owned(), parsed });
            break;
        };
        // `closing_brace` returns the offset of a `}` it found in `body`.
        let Some(source) = body.get(..length) else { break };
        let source = source.to_owned();
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

/// The text after the first `#{` or `${` (as [`find_opening`]).
pub(crate) fn after_opening(text: &str, sigil: u8) -> Option<&str> {
    let (_, opening) = text.split_at_checked(find_opening(text, sigil)?)?;
    opening.get(2..)
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
/// A [`SyntaxError`] saying what is wrong and where.
pub fn parse(source: &str) -> Result<Expr, SyntaxError> {
    let tokens = tokenize(source)?;
    // Bounds the tree's depth, so that parsing, printing and dropping it
    // stay within the stack whatever a hostile file holds.
    if let Some(&(offset, _)) = tokens.get(MAX_TOKENS) {
        return Err(SyntaxError::new(SyntaxErrorKind::TooLong, offset));
    }
    let mut parser = Parser { tokens: &tokens, at: 0, depth: 0, end: source.len() };
    let expr = parser.conditional()?;
    match parser.tokens.get(parser.at) {
        None => Ok(expr),
        Some((offset, token)) => Err(SyntaxError::new(
            SyntaxErrorKind::Unexpected { found: Some(token.to_string()), expected: "the end of the expression" },
            *offset,
        )),
    }
}

/// Most tokens an expression may have: far more than the expressions of
/// real jobs (a few dozen).
pub const MAX_TOKENS: usize = 1000;

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

/// The tokens of `source`, each with its byte offset.
fn tokenize(source: &str) -> Result<Vec<(usize, Token)>, SyntaxError> {
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
                    None => return Err(SyntaxError::new(SyntaxErrorKind::UnclosedQuote(c), at)),
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
            tokens.push((at, Token::Text(text)));
            i = j + 1;
        } else if c.is_ascii_digit() {
            let mut j = i;
            while chars.get(j).is_some_and(|&(_, d)| d.is_ascii_digit() || d == '.') {
                j += 1;
            }
            tokens.push((at, Token::Number(chars.iter().take(j).skip(i).map(|(_, d)| d).collect())));
            i = j;
        } else if c.is_alphabetic() || c == '_' || c == '$' {
            let mut j = i;
            while chars.get(j).is_some_and(|&(_, d)| d.is_alphanumeric() || d == '_' || d == '$') {
                j += 1;
            }
            tokens.push((at, Token::Name(chars.iter().take(j).skip(i).map(|(_, d)| d).collect())));
            i = j;
        } else {
            // `at` comes from `char_indices`: a boundary.
            let symbol = source
                .get(at..)
                .and_then(|rest| SYMBOLS.iter().find(|s| rest.starts_with(**s)))
                .ok_or(SyntaxError::new(SyntaxErrorKind::UnexpectedCharacter(c), at))?;
            tokens.push((at, Token::Symbol(symbol)));
            i += symbol.len();
        }
    }
    Ok(tokens)
}

struct Parser<'a> {
    tokens: &'a [(usize, Token)],
    at: usize,
    /// The length of the source: where the end is reported.
    end: usize,
    /// Parentheses, arguments, indexes, branches and unary operators open.
    depth: usize,
}

/// Deepest nesting the parser follows (real expressions nest a few levels).
pub const MAX_NESTING: usize = 64;

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at).map(|(_, token)| token)
    }

    /// The error for the token at hand (or the end) where `expected` must stand.
    fn unexpected(&self, expected: &'static str) -> SyntaxError {
        match self.tokens.get(self.at) {
            Some((offset, token)) => {
                SyntaxError::new(SyntaxErrorKind::Unexpected { found: Some(token.to_string()), expected }, *offset)
            }
            None => SyntaxError::new(SyntaxErrorKind::Unexpected { found: None, expected }, self.end),
        }
    }

    /// Where the token at hand starts (the end when there is none).
    fn offset(&self) -> usize {
        self.tokens.get(self.at).map_or(self.end, |(offset, _)| *offset)
    }

    fn eat(&mut self, symbol: &str) -> bool {
        if matches!(self.peek(), Some(Token::Symbol(s)) if *s == symbol) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    /// Eats `symbol` (`quoted`: the same in backquotes, for the message).
    fn expect(&mut self, symbol: &str, quoted: &'static str) -> Result<(), SyntaxError> {
        if self.eat(symbol) { Ok(()) } else { Err(self.unexpected(quoted)) }
    }

    /// Runs `parse` one nesting level deeper.
    fn nested(&mut self, parse: impl FnOnce(&mut Self) -> Result<Expr, SyntaxError>) -> Result<Expr, SyntaxError> {
        if self.depth == MAX_NESTING {
            return Err(SyntaxError::new(SyntaxErrorKind::TooDeep, self.offset()));
        }
        self.depth += 1;
        let expr = parse(self);
        self.depth -= 1;
        expr
    }

    fn conditional(&mut self) -> Result<Expr, SyntaxError> {
        self.nested(Self::conditional_at_this_level)
    }

    fn conditional_at_this_level(&mut self) -> Result<Expr, SyntaxError> {
        let condition = self.binary(0)?;
        if !self.eat("?") {
            return Ok(condition);
        }
        let then = self.conditional()?;
        self.expect(":", "`:`")?;
        let otherwise = self.conditional()?;
        Ok(Expr::Conditional(Box::new(condition), Box::new(then), Box::new(otherwise)))
    }

    fn binary(&mut self, level: usize) -> Result<Expr, SyntaxError> {
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

    fn unary(&mut self) -> Result<Expr, SyntaxError> {
        for operator in ['!', '-'] {
            if self.eat(&operator.to_string()) {
                return Ok(Expr::Unary(operator, Box::new(self.nested(Self::unary)?)));
            }
        }
        self.postfix()
    }

    fn postfix(&mut self) -> Result<Expr, SyntaxError> {
        let mut expr = self.primary()?;
        loop {
            if self.eat(".") {
                match self.peek().cloned() {
                    Some(Token::Name(member)) => {
                        self.at += 1;
                        expr = Expr::Member(Box::new(expr), member);
                    }
                    _ => return Err(self.unexpected("a member name after `.`")),
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
                            return Err(self.unexpected("`,` or `)` closing the arguments"));
                        }
                    }
                }
                expr = Expr::Call(Box::new(expr), arguments);
            } else if self.eat("[") {
                let index = self.conditional()?;
                self.expect("]", "`]`")?;
                expr = Expr::Index(Box::new(expr), Box::new(index));
            } else {
                return Ok(expr);
            }
        }
    }

    fn primary(&mut self) -> Result<Expr, SyntaxError> {
        if self.eat("(") {
            let inner = self.conditional()?;
            self.expect(")", "`)`")?;
            return Ok(inner);
        }
        let expr = match self.peek() {
            Some(Token::Number(text)) => Expr::Number(text.clone()),
            Some(Token::Text(text)) => Expr::Text(text.clone()),
            Some(Token::Name(name)) => match name.as_str() {
                "true" => Expr::Bool(true),
                "false" => Expr::Bool(false),
                "null" => Expr::Null,
                _ => Expr::Name(name.clone()),
            },
            Some(Token::Symbol(_)) | None => return Err(self.unexpected("a value")),
        };
        self.at += 1;
        Ok(expr)
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
        Expr::Number(_) | Expr::Text(_) | Expr::Bool(_) | Expr::Null | Expr::Name(_) => {}
    }
}
