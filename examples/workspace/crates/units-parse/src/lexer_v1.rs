// LEFTOVER: the first lexer, replaced by src/lexer.rs. Nothing declares
// `mod lexer_v1;` any more, so no cargo unit reads this file; cargo-units
// reports it as unused. Kept on purpose in the example workspace.

pub fn split(input: &str) -> Option<(&str, &str)> {
    input.trim().split_once(' ')
}
