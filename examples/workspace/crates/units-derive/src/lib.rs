//! `#[derive(Quantity)]` for tuple structs wrapping an `f64`:
//!
//! ```text
//! #[derive(Clone, Copy, Quantity)]
//! #[symbol = "fur"]
//! struct Furlongs(f64);
//! ```
//!
//! expands to `impl ::units_core::Quantity for Furlongs { ... }`.

use proc_macro::{TokenStream, TokenTree};

#[proc_macro_derive(Quantity, attributes(symbol))]
pub fn derive_quantity(input: TokenStream) -> TokenStream {
    let mut symbol = None;
    let mut name = None;
    let mut tokens = input.into_iter();

    // Walk the item: `#[...]` attributes, visibility, then `struct Name`.
    while let Some(token) = tokens.next() {
        match token {
            TokenTree::Punct(p) if p.as_char() == '#' => {
                if let Some(TokenTree::Group(attr)) = tokens.next() {
                    symbol = symbol.or_else(|| symbol_attr(attr.stream()));
                }
            }
            TokenTree::Ident(kw) if kw.to_string() == "struct" => {
                if let Some(TokenTree::Ident(ident)) = tokens.next() {
                    name = Some(ident.to_string());
                }
                break;
            }
            _ => {}
        }
    }

    let Some(name) = name else {
        return compile_error("#[derive(Quantity)] only supports structs");
    };
    let Some(symbol) = symbol else {
        return compile_error("#[derive(Quantity)] needs #[symbol = \"...\"]");
    };
    format!(
        "impl ::units_core::Quantity for {name} {{
            const SYMBOL: &'static str = {symbol};
            fn value(self) -> f64 {{ self.0 }}
            fn from_value(value: f64) -> Self {{ {name}(value) }}
        }}"
    )
    .parse()
    .expect("generated impl is valid Rust")
}

/// Recognises the inside of `#[symbol = "..."]` and returns the literal.
fn symbol_attr(attr: TokenStream) -> Option<String> {
    let tokens: Vec<TokenTree> = attr.into_iter().collect();
    match tokens.as_slice() {
        [TokenTree::Ident(key), TokenTree::Punct(eq), TokenTree::Literal(lit)]
            if key.to_string() == "symbol" && eq.as_char() == '=' =>
        {
            Some(lit.to_string())
        }
        _ => None,
    }
}

fn compile_error(message: &str) -> TokenStream {
    format!("compile_error!({message:?});").parse().unwrap()
}
