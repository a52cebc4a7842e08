//! text/template/parse's parser: the same three-token lookahead, the same
//! per-tree state for `{{define}}` and `{{block}}`, so every error message and
//! line number matches Go's (`template: NAME:LINE: MESSAGE`).

use std::collections::HashMap;

use super::ast::{
    Arg, BranchNode, CommandNode, ListNode, Node, NumberNode, PipeNode, VariableNode,
};
use super::lex::{Item, ItemType, Lexer};
use super::strconv::{parse_float, parse_int0, parse_uint0, quote, unquote, unquote_char};
use super::value::{f64_to_i64, f64_to_u64};

/// Deepest nesting of parentheses and control structures accepted (Go has no
/// limit; ours keeps recursion, here and in execution, off the stack's end).
pub(super) const MAX_NESTING: usize = 100;

/// A parsed template: its name and its body.
#[derive(Debug)]
pub(super) struct Tree {
    pub root: ListNode,
}

/// What `itemList` stops at.
enum ListEnd {
    End,
    Else { pos: usize },
}

impl ListEnd {
    fn describe(&self) -> &'static str {
        match self {
            ListEnd::End => "{{end}}",
            ListEnd::Else { .. } => "{{else}}",
        }
    }
}

/// What `textOrAction` returns: a node for the list, or the end of one.
enum Step {
    Node(Node),
    End(ListEnd),
}

type PResult<T> = Result<T, String>;

/// The parsing state of one tree (Go's `Tree` fields used during parsing).
struct TreeState {
    name: String,
    token: [Item; 3],
    peek_count: usize,
    vars: Vec<String>,
    action_line: usize,
    range_depth: usize,
}

impl TreeState {
    fn new(name: &str) -> TreeState {
        let blank = Item {
            typ: ItemType::Eof,
            pos: 0,
            val: String::new(),
            line: 0,
        };
        TreeState {
            name: name.to_string(),
            token: [blank.clone(), blank.clone(), blank],
            peek_count: 0,
            vars: vec!["$".to_string()],
            action_line: 0,
            range_depth: 0,
        }
    }
}

struct Parser<'a> {
    lex: Lexer<'a>,
    parse_name: &'a str,
    has_func: &'a dyn Fn(&str) -> bool,
    trees: HashMap<String, Tree>,
    st: TreeState,
    depth: usize,
}

/// `parse.Parse`: the named trees defined by `text` (the top level under `name`).
pub(super) fn parse(
    name: &str,
    text: &str,
    has_func: &dyn Fn(&str) -> bool,
) -> PResult<HashMap<String, Tree>> {
    let mut p = Parser {
        lex: Lexer::new(text),
        parse_name: name,
        has_func,
        trees: HashMap::new(),
        st: TreeState::new(name),
        depth: 0,
    };
    let root = p.parse_top()?;
    p.add(root)?;
    Ok(p.trees)
}

/// `IsEmptyTree`: nothing but space (and comments).
pub(super) fn is_empty_list(l: &ListNode) -> bool {
    l.nodes
        .iter()
        .all(|n| matches!(n, Node::Text { text, .. } if text.trim().is_empty()))
}

impl Parser<'_> {
    fn next(&mut self) -> Item {
        if self.st.peek_count > 0 {
            self.st.peek_count -= 1;
        } else {
            self.st.token[0] = self.lex.next_item();
        }
        self.st.token[self.st.peek_count].clone()
    }

    fn backup(&mut self) {
        self.st.peek_count += 1;
    }

    fn backup2(&mut self, t1: Item) {
        self.st.token[1] = t1;
        self.st.peek_count = 2;
    }

    fn backup3(&mut self, t2: Item, t1: Item) {
        self.st.token[1] = t1;
        self.st.token[2] = t2;
        self.st.peek_count = 3;
    }

    fn peek(&mut self) -> Item {
        if self.st.peek_count > 0 {
            return self.st.token[self.st.peek_count - 1].clone();
        }
        self.st.peek_count = 1;
        self.st.token[0] = self.lex.next_item();
        self.st.token[0].clone()
    }

    fn next_non_space(&mut self) -> Item {
        loop {
            let t = self.next();
            if t.typ != ItemType::Space {
                return t;
            }
        }
    }

    fn peek_non_space(&mut self) -> Item {
        let t = self.next_non_space();
        self.backup();
        t
    }

    fn errorf<T>(&self, msg: impl Into<String>) -> PResult<T> {
        Err(format!(
            "template: {}:{}: {}",
            self.parse_name,
            self.st.token[0].line,
            msg.into()
        ))
    }

    fn expect(&mut self, expected: ItemType, context: &str) -> PResult<Item> {
        let t = self.next_non_space();
        if t.typ != expected {
            return self.unexpected(&t, context);
        }
        Ok(t)
    }

    fn unexpected<T>(&self, token: &Item, context: &str) -> PResult<T> {
        if token.typ == ItemType::Error {
            let mut extra = String::new();
            if self.st.action_line != 0 && self.st.action_line != token.line {
                extra = format!(
                    " in action started at {}:{}",
                    self.parse_name, self.st.action_line
                );
                if token.val.ends_with(" action") {
                    extra = extra[" in action".len()..].to_string();
                }
            }
            return self.errorf(format!("{}{extra}", token.describe()));
        }
        self.errorf(format!("unexpected {} in {context}", token.describe()))
    }

    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return self.errorf("expression nests too deeply");
        }
        Ok(())
    }

    /// `Tree.add`: a later non-empty definition of a name is an error.
    fn add(&mut self, root: ListNode) -> PResult<()> {
        if let Some(existing) = self.trees.get(&self.st.name)
            && !is_empty_list(&existing.root)
        {
            if !is_empty_list(&root) {
                return self.errorf(format!(
                    "template: multiple definition of template {}",
                    quote(&self.st.name)
                ));
            }
            return Ok(());
        }
        self.trees.insert(self.st.name.clone(), Tree { root });
        Ok(())
    }

    /// Runs `f` as the parse of a separate tree sharing the lexer.
    fn sub_tree<T>(&mut self, name: &str, f: impl FnOnce(&mut Self) -> PResult<T>) -> PResult<T> {
        let saved = std::mem::replace(&mut self.st, TreeState::new(name));
        let r = f(self);
        self.st = saved;
        r
    }

    fn parse_top(&mut self) -> PResult<ListNode> {
        let mut root = ListNode {
            pos: self.peek().pos,
            nodes: Vec::new(),
        };
        while self.peek().typ != ItemType::Eof {
            if self.peek().typ == ItemType::LeftDelim {
                let delim = self.next();
                if self.next_non_space().typ == ItemType::Define {
                    self.sub_tree("definition", |p| p.parse_definition())?;
                    continue;
                }
                self.backup2(delim);
            }
            match self.text_or_action()? {
                Step::End(e) => return self.errorf(format!("unexpected {}", e.describe())),
                Step::Node(n) => root.nodes.push(n),
            }
        }
        Ok(root)
    }

    fn parse_definition(&mut self) -> PResult<()> {
        const CONTEXT: &str = "define clause";
        let name = self.next_non_space();
        if name.typ != ItemType::String && name.typ != ItemType::RawString {
            return self.unexpected(&name, CONTEXT);
        }
        match unquote(&name.val) {
            Some(n) => self.st.name = n,
            None => return self.errorf("invalid syntax"),
        }
        self.expect(ItemType::RightDelim, CONTEXT)?;
        let (root, end) = self.item_list()?;
        if !matches!(end, ListEnd::End) {
            return self.errorf(format!("unexpected {} in {CONTEXT}", end.describe()));
        }
        self.add(root)
    }

    fn item_list(&mut self) -> PResult<(ListNode, ListEnd)> {
        let mut list = ListNode {
            pos: self.peek_non_space().pos,
            nodes: Vec::new(),
        };
        while self.peek_non_space().typ != ItemType::Eof {
            match self.text_or_action()? {
                Step::End(e) => return Ok((list, e)),
                Step::Node(n) => list.nodes.push(n),
            }
        }
        self.errorf("unexpected EOF")
    }

    fn text_or_action(&mut self) -> PResult<Step> {
        let token = self.next_non_space();
        match token.typ {
            ItemType::Text => Ok(Step::Node(Node::Text {
                pos: token.pos,
                text: token.val,
            })),
            ItemType::LeftDelim => {
                self.st.action_line = token.line;
                let r = self.action();
                self.st.action_line = 0;
                r
            }
            _ => self.unexpected(&token, "input"),
        }
    }

    fn action(&mut self) -> PResult<Step> {
        let token = self.next_non_space();
        let node = match token.typ {
            ItemType::Block => self.block_control()?,
            ItemType::Break | ItemType::Continue => {
                let name = if token.typ == ItemType::Break {
                    "break"
                } else {
                    "continue"
                };
                let t = self.next_non_space();
                if t.typ != ItemType::RightDelim {
                    return self.unexpected(&t, &format!("{{{{{name}}}}}"));
                }
                if self.st.range_depth == 0 {
                    return self.errorf(format!("{{{{{name}}}}} outside {{{{range}}}}"));
                }
                if token.typ == ItemType::Break {
                    Node::Break { pos: token.pos }
                } else {
                    Node::Continue { pos: token.pos }
                }
            }
            ItemType::Else => return self.else_control().map(Step::End),
            ItemType::End => {
                self.expect(ItemType::RightDelim, "end")?;
                return Ok(Step::End(ListEnd::End));
            }
            ItemType::If => Node::If(Box::new(self.parse_control(true, "if")?)),
            ItemType::Range => Node::Range(Box::new(self.parse_control(false, "range")?)),
            ItemType::With => Node::With(Box::new(self.parse_control(false, "with")?)),
            ItemType::Template => self.template_control()?,
            _ => {
                self.backup();
                let pos = self.peek().pos;
                let pipe = self.pipeline("command", ItemType::RightDelim)?;
                Node::Action { pos, pipe }
            }
        };
        Ok(Step::Node(node))
    }

    fn else_control(&mut self) -> PResult<ListEnd> {
        let peek = self.peek_non_space();
        if peek.typ == ItemType::If {
            return Ok(ListEnd::Else { pos: peek.pos });
        }
        let t = self.expect(ItemType::RightDelim, "else")?;
        Ok(ListEnd::Else { pos: t.pos })
    }

    fn parse_control(&mut self, allow_else_if: bool, context: &str) -> PResult<BranchNode> {
        self.enter()?;
        let vars = self.st.vars.len();
        let r = self.parse_control_body(allow_else_if, context);
        self.st.vars.truncate(vars);
        self.depth -= 1;
        r
    }

    fn parse_control_body(&mut self, allow_else_if: bool, context: &str) -> PResult<BranchNode> {
        let pipe = self.pipeline(context, ItemType::RightDelim)?;
        let range = context == "range";
        if range {
            self.st.range_depth += 1;
        }
        let (list, next) = self.item_list()?;
        if range {
            self.st.range_depth -= 1;
        }
        let mut else_list = None;
        if let ListEnd::Else { pos } = next {
            if allow_else_if && self.peek().typ == ItemType::If {
                self.next();
                let nested = self.parse_control(true, "if")?;
                else_list = Some(ListNode {
                    pos,
                    nodes: vec![Node::If(Box::new(nested))],
                });
            } else {
                let (l, next) = self.item_list()?;
                if !matches!(next, ListEnd::End) {
                    return self.errorf(format!("expected end; found {}", next.describe()));
                }
                else_list = Some(l);
            }
        }
        Ok(BranchNode {
            pos: pipe.pos,
            pipe,
            list,
            else_list,
        })
    }

    fn template_name(&mut self, token: &Item, context: &str) -> PResult<String> {
        match token.typ {
            ItemType::String | ItemType::RawString => match unquote(&token.val) {
                Some(s) => Ok(s),
                None => self.errorf("invalid syntax"),
            },
            _ => self.unexpected(token, context),
        }
    }

    fn block_control(&mut self) -> PResult<Node> {
        const CONTEXT: &str = "block clause";
        let token = self.next_non_space();
        let name = self.template_name(&token, CONTEXT)?;
        let pipe = self.pipeline(CONTEXT, ItemType::RightDelim)?;
        self.enter()?;
        let end = self.sub_tree(&name, |p| {
            let (root, end) = p.item_list()?;
            if matches!(end, ListEnd::End) {
                p.add(root)?;
            }
            Ok(end)
        })?;
        if !matches!(end, ListEnd::End) {
            return self.errorf(format!("unexpected {} in {CONTEXT}", end.describe()));
        }
        self.depth -= 1;
        Ok(Node::Template {
            pos: token.pos,
            name,
            pipe: Some(pipe),
        })
    }

    fn template_control(&mut self) -> PResult<Node> {
        const CONTEXT: &str = "template clause";
        let token = self.next_non_space();
        let name = self.template_name(&token, CONTEXT)?;
        let mut pipe = None;
        if self.next_non_space().typ != ItemType::RightDelim {
            self.backup();
            pipe = Some(self.pipeline(CONTEXT, ItemType::RightDelim)?);
        }
        Ok(Node::Template {
            pos: token.pos,
            name,
            pipe,
        })
    }

    fn pipeline(&mut self, context: &str, end: ItemType) -> PResult<PipeNode> {
        self.enter()?;
        let r = self.pipeline_body(context, end);
        self.depth -= 1;
        r
    }

    fn pipeline_body(&mut self, context: &str, end: ItemType) -> PResult<PipeNode> {
        let token = self.peek_non_space();
        let mut pipe = PipeNode {
            pos: token.pos,
            is_assign: false,
            decl: Vec::new(),
            cmds: Vec::new(),
        };
        // Declarations: `$x :=`, `$x =`, and `$i, $e :=` in range.
        loop {
            let v = self.peek_non_space();
            if v.typ != ItemType::Variable {
                break;
            }
            self.next();
            let after = self.peek();
            let next = self.peek_non_space();
            if next.typ == ItemType::Assign || next.typ == ItemType::Declare {
                pipe.is_assign = next.typ == ItemType::Assign;
                self.next_non_space();
                pipe.decl.push(new_variable(v.pos, &v.val));
                self.st.vars.push(v.val);
                break;
            } else if next.typ == ItemType::Char && next.val == "," {
                self.next_non_space();
                pipe.decl.push(new_variable(v.pos, &v.val));
                self.st.vars.push(v.val);
                if context == "range" && pipe.decl.len() < 2 {
                    match self.peek_non_space().typ {
                        ItemType::Variable | ItemType::RightDelim | ItemType::RightParen => {
                            continue;
                        }
                        _ => return self.errorf("range can only initialize variables"),
                    }
                }
                return self.errorf(format!("too many declarations in {context}"));
            } else if after.typ == ItemType::Space {
                self.backup3(v, after);
            } else {
                self.backup2(v);
            }
            break;
        }
        loop {
            let token = self.next_non_space();
            match token.typ {
                t if t == end => {
                    self.check_pipeline(&pipe, context)?;
                    return Ok(pipe);
                }
                ItemType::Bool
                | ItemType::CharConstant
                | ItemType::Complex
                | ItemType::Dot
                | ItemType::Field
                | ItemType::Identifier
                | ItemType::Number
                | ItemType::Nil
                | ItemType::RawString
                | ItemType::String
                | ItemType::Variable
                | ItemType::LeftParen => {
                    self.backup();
                    let cmd = self.command()?;
                    pipe.cmds.push(cmd);
                }
                _ => return self.unexpected(&token, context),
            }
        }
    }

    fn check_pipeline(&self, pipe: &PipeNode, context: &str) -> PResult<()> {
        if pipe.cmds.is_empty() {
            return self.errorf(format!("missing value for {context}"));
        }
        for (i, c) in pipe.cmds.iter().enumerate().skip(1) {
            if c.args.first().is_some_and(Arg::is_literal) {
                return self.errorf(format!(
                    "non executable command in pipeline stage {}",
                    i + 1
                ));
            }
        }
        Ok(())
    }

    fn command(&mut self) -> PResult<CommandNode> {
        let mut cmd = CommandNode {
            pos: self.peek_non_space().pos,
            args: Vec::new(),
        };
        loop {
            self.peek_non_space();
            if let Some(op) = self.operand()? {
                cmd.args.push(op);
            }
            let token = self.next();
            match token.typ {
                ItemType::Space => continue,
                ItemType::RightDelim | ItemType::RightParen => self.backup(),
                ItemType::Pipe => {}
                _ => return self.unexpected(&token, "operand"),
            }
            break;
        }
        if cmd.args.is_empty() {
            return self.errorf("empty command");
        }
        Ok(cmd)
    }

    fn operand(&mut self) -> PResult<Option<Arg>> {
        let Some(node) = self.term()? else {
            return Ok(None);
        };
        if self.peek().typ != ItemType::Field {
            return Ok(Some(node));
        }
        let pos = self.peek().pos;
        let mut field = Vec::new();
        while self.peek().typ == ItemType::Field {
            field.push(self.next().val[1..].to_string());
        }
        Ok(Some(match node {
            Arg::Field { mut ident, .. } => {
                ident.extend(field);
                Arg::Field { pos, ident }
            }
            Arg::Variable(VariableNode { mut ident, .. }) => {
                ident.extend(field);
                Arg::Variable(VariableNode { pos, ident })
            }
            n if n.is_literal() => {
                return self.errorf(format!("unexpected . after term {}", quote(&n.to_string())));
            }
            n => Arg::Chain {
                pos,
                node: Box::new(n),
                field,
            },
        }))
    }

    fn term(&mut self) -> PResult<Option<Arg>> {
        let token = self.next_non_space();
        let pos = token.pos;
        Ok(Some(match token.typ {
            ItemType::Identifier => {
                if !(self.has_func)(&token.val) {
                    return self.errorf(format!("function {} not defined", quote(&token.val)));
                }
                Arg::Identifier {
                    pos,
                    name: token.val,
                }
            }
            ItemType::Dot => Arg::Dot { pos },
            ItemType::Nil => Arg::Nil { pos },
            ItemType::Variable => {
                let v = new_variable(pos, &token.val);
                if !self.st.vars.contains(&v.ident[0]) {
                    return self.errorf(format!("undefined variable {}", quote(&v.ident[0])));
                }
                Arg::Variable(v)
            }
            ItemType::Field => Arg::Field {
                pos,
                ident: token.val[1..].split('.').map(String::from).collect(),
            },
            ItemType::Bool => Arg::Bool {
                pos,
                val: token.val == "true",
            },
            ItemType::CharConstant | ItemType::Complex | ItemType::Number => {
                match new_number(pos, &token.val, token.typ) {
                    Ok(n) => Arg::Number(Box::new(n)),
                    Err(e) => return self.errorf(e),
                }
            }
            ItemType::LeftParen => Arg::Pipe(Box::new(
                self.pipeline("parenthesized pipeline", ItemType::RightParen)?,
            )),
            ItemType::String | ItemType::RawString => match unquote(&token.val) {
                Some(text) => Arg::String {
                    pos,
                    quoted: token.val,
                    text,
                },
                None => return self.errorf("invalid syntax"),
            },
            _ => {
                self.backup();
                return Ok(None);
            }
        }))
    }
}

fn new_variable(pos: usize, ident: &str) -> VariableNode {
    VariableNode {
        pos,
        ident: ident.split('.').map(String::from).collect(),
    }
}

/// `simplifyComplex`: a complex with no imaginary part is also a float.
fn simplify_complex(n: &mut NumberNode) {
    n.is_float = n.complex.1 == 0.0;
    if n.is_float {
        let f = n.complex.0;
        n.float64 = f;
        n.is_int = f64_to_i64(f) as f64 == f;
        if n.is_int {
            n.int64 = f64_to_i64(f);
        }
        n.is_uint = f64_to_u64(f) as f64 == f;
        if n.is_uint {
            n.uint64 = f64_to_u64(f);
        }
    }
}

/// `fmt.Sscan` of a complex literal `re±imi`.
fn scan_complex(text: &str) -> Option<(f64, f64)> {
    let body = text.strip_suffix('i')?;
    let b = body.as_bytes();
    let split = (1..b.len())
        .rev()
        .find(|&i| (b[i] == b'+' || b[i] == b'-') && !matches!(b[i - 1] | 0x20, b'e' | b'p'))?;
    let re = parse_float(&body[..split]).ok()?;
    let im = parse_float(&body[split..]).ok()?;
    Some((re, im))
}

/// `newNumber`: what a number literal can be (int, uint, float, complex).
fn new_number(pos: usize, text: &str, typ: ItemType) -> Result<NumberNode, String> {
    let mut n = NumberNode {
        pos,
        is_int: false,
        is_uint: false,
        is_float: false,
        is_complex: false,
        int64: 0,
        uint64: 0,
        float64: 0.0,
        complex: (0.0, 0.0),
        text: text.to_string(),
    };
    match typ {
        ItemType::CharConstant => {
            let b = text.as_bytes();
            let (r, _, tail) = unquote_char(&b[1..], b[0]).ok_or("invalid syntax")?;
            if tail != b"'" {
                return Err(format!("malformed character constant: {text}"));
            }
            n.int64 = i64::from(r);
            n.uint64 = u64::from(r);
            n.float64 = f64::from(r);
            (n.is_int, n.is_uint, n.is_float) = (true, true, true);
            return Ok(n);
        }
        ItemType::Complex => {
            n.complex = scan_complex(text).ok_or_else(|| {
                format!(
                    "strconv.ParseFloat: parsing {}: invalid syntax",
                    quote(text)
                )
            })?;
            n.is_complex = true;
            simplify_complex(&mut n);
            return Ok(n);
        }
        _ => {}
    }
    if let Some(body) = text.strip_suffix('i')
        && let Ok(f) = parse_float(body)
    {
        n.is_complex = true;
        n.complex = (0.0, f);
        simplify_complex(&mut n);
        return Ok(n);
    }
    let u = parse_uint0(text);
    if let Ok(u) = u {
        n.is_uint = true;
        n.uint64 = u;
    }
    if let Ok(i) = parse_int0(text) {
        n.is_int = true;
        n.int64 = i;
        if i == 0 {
            n.is_uint = true;
            n.uint64 = u.unwrap_or(0);
        }
    }
    if n.is_int {
        n.is_float = true;
        n.float64 = n.int64 as f64;
    } else if n.is_uint {
        n.is_float = true;
        n.float64 = n.uint64 as f64;
    } else if let Ok(f) = parse_float(text) {
        if !text.contains(['.', 'e', 'E', 'p', 'P']) {
            return Err(format!("integer overflow: {}", quote(text)));
        }
        n.is_float = true;
        n.float64 = f;
        if f64_to_i64(f) as f64 == f {
            n.is_int = true;
            n.int64 = f64_to_i64(f);
        }
        if f64_to_u64(f) as f64 == f {
            n.is_uint = true;
            n.uint64 = f64_to_u64(f);
        }
    }
    if !n.is_int && !n.is_uint && !n.is_float {
        return Err(format!("illegal number syntax: {}", quote(text)));
    }
    Ok(n)
}
