//! Short names for the module's imports. wasm-bindgen names each of them
//! `__wbg_<method>_<16 hex digits>`, and each name is written twice: in the `.wasm`
//! and as a key of the glue's imports object. The hashes do not compress, so the names
//! cost about 3.4 KB of a gzipped package (measured 2026-12-07). They mean nothing to a
//! reader of either file, so the package gets short ones (`a`, `b`, …, `ba`, …), the
//! same in both.

use crate::process::Result;
use std::collections::HashMap;
use std::fs;
use std::path::Path;

/// The section of a wasm module that lists its imports.
const IMPORT_SECTION: u8 = 2;

/// Renames the imports of `wasm` that come from the glue `glue_module` (the name the
/// module imports the glue by), in the `.wasm` and in the glue file `glue`. Fails,
/// changing nothing, unless each name is a key of the glue exactly once.
pub fn shorten(wasm: &Path, glue: &Path, glue_module: &str) -> Result {
    let module = fs::read(wasm).map_err(|e| format!("{}: {e}", wasm.display()))?;
    let mut js = fs::read_to_string(glue).map_err(|e| format!("{}: {e}", glue.display()))?;
    let mut renamed: HashMap<String, String> = HashMap::new();
    let shortened = rename_imports(&module, |from, name| {
        if from != glue_module {
            return name.to_owned();
        }
        let next = short_name(renamed.len());
        renamed.entry(name.to_owned()).or_insert(next).clone()
    })?;
    for (name, short) in &renamed {
        // The glue writes each import as `name: function(…) {…}` in one object.
        let key = format!("{name}:");
        if js.matches(name.as_str()).count() != 1 || !js.contains(&key) {
            return Err(format!(
                "{}: the import `{name}` is not a key of the glue exactly once; \
                 check xtask/src/imports.rs against this wasm-bindgen's output",
                glue.display()
            ));
        }
        js = js.replacen(&key, &format!("{short}:"), 1);
    }
    fs::write(wasm, shortened).map_err(|e| format!("{}: {e}", wasm.display()))?;
    fs::write(glue, js).map_err(|e| format!("{}: {e}", glue.display()))
}

/// `a` … `z`, `A` … `Z`, then two letters, three, …: never a digit first, so every one
/// is an identifier.
fn short_name(mut index: usize) -> String {
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut name = Vec::new();
    loop {
        name.push(LETTERS[index % LETTERS.len()]);
        index /= LETTERS.len();
        if index == 0 {
            break;
        }
        index -= 1;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

/// The module with each import's name replaced by `rename(module, name)`.
fn rename_imports(module: &[u8], mut rename: impl FnMut(&str, &str) -> String) -> Result<Vec<u8>> {
    let mut reader = Reader {
        bytes: module,
        at: 0,
    };
    let header = reader.take(8)?;
    if header != b"\0asm\x01\0\0\0" {
        return Err("not a wasm module (version 1)".into());
    }
    let mut out = header.to_vec();
    while reader.at < module.len() {
        let id = reader.byte()?;
        let size = reader.leb()? as usize;
        let payload = reader.take(size)?;
        let payload = if id == IMPORT_SECTION {
            rename_in_section(payload, &mut rename)?
        } else {
            payload.to_vec()
        };
        out.push(id);
        write_leb(&mut out, payload.len() as u64);
        out.extend_from_slice(&payload);
    }
    Ok(out)
}

fn rename_in_section(
    section: &[u8],
    rename: &mut impl FnMut(&str, &str) -> String,
) -> Result<Vec<u8>> {
    let mut reader = Reader {
        bytes: section,
        at: 0,
    };
    let count = reader.leb()?;
    let mut out = Vec::with_capacity(section.len());
    write_leb(&mut out, count);
    for _ in 0..count {
        let from = reader.name()?;
        let name = reader.name()?;
        let new_name = rename(from, name);
        for text in [from, new_name.as_str()] {
            write_leb(&mut out, text.len() as u64);
            out.extend_from_slice(text.as_bytes());
        }
        let start = reader.at;
        reader.skip_import_description()?;
        out.extend_from_slice(&section[start..reader.at]);
    }
    if reader.at != section.len() {
        return Err("the import section has bytes after its last import".into());
    }
    Ok(out)
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self
            .at
            .checked_add(n)
            .filter(|end| *end <= self.bytes.len());
        let end = end.ok_or("the wasm module ends too early")?;
        let taken = &self.bytes[self.at..end];
        self.at = end;
        Ok(taken)
    }

    fn byte(&mut self) -> Result<u8> {
        Ok(self.take(1)?[0])
    }

    fn leb(&mut self) -> Result<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err("a number in the wasm module is too long".into())
    }

    fn name(&mut self) -> Result<&'a str> {
        let len = self.leb()? as usize;
        std::str::from_utf8(self.take(len)?).map_err(|_| "an import name is not UTF-8".into())
    }

    /// Steps over what follows an import's names: its kind and type.
    fn skip_import_description(&mut self) -> Result {
        match self.byte()? {
            // A function, or a tag (an attribute byte, then the type).
            0x00 => self.leb().map(drop),
            0x04 => self.byte().and_then(|_| self.leb()).map(drop),
            // A table: its reference type, then its limits.
            0x01 => {
                self.value_type()?;
                self.limits()
            }
            0x02 => self.limits(),
            // A global: its type and whether it is mutable.
            0x03 => self.value_type().and_then(|()| self.byte()).map(drop),
            kind => Err(format!("unknown import kind {kind:#x}")),
        }
    }

    fn value_type(&mut self) -> Result {
        match self.byte()? {
            // i32, i64, f32, f64, v128, funcref, externref.
            0x7f | 0x7e | 0x7d | 0x7c | 0x7b | 0x70 | 0x6f => Ok(()),
            other => Err(format!("unsupported value type {other:#x} in an import")),
        }
    }

    fn limits(&mut self) -> Result {
        let flags = self.byte()?;
        self.leb()?;
        if flags & 1 == 1 {
            self.leb()?;
        }
        Ok(())
    }
}

fn write_leb(out: &mut Vec<u8>, mut value: u64) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module importing a function and a memory from "g" and a global from "env",
    /// with a custom section after them.
    fn module() -> Vec<u8> {
        let mut imports = Vec::new();
        write_leb(&mut imports, 3);
        for (from, name, description) in [
            ("g", "__wbg_fetch_0123456789abcdef", &[0x00, 0x05][..]),
            (
                "g",
                "__wbg_memory_fedcba9876543210",
                &[0x02, 0x01, 0x11, 0x80, 0x02],
            ),
            ("env", "keep_me", &[0x03, 0x6f, 0x01]),
        ] {
            for text in [from, name] {
                write_leb(&mut imports, text.len() as u64);
                imports.extend_from_slice(text.as_bytes());
            }
            imports.extend_from_slice(description);
        }
        let mut module = b"\0asm\x01\0\0\0".to_vec();
        module.push(IMPORT_SECTION);
        write_leb(&mut module, imports.len() as u64);
        module.extend(imports);
        module.extend([0x00, 0x04, 0x01, b'n', 0xaa, 0xbb]);
        module
    }

    #[test]
    fn renames_the_imports_it_is_asked_to_and_keeps_every_other_byte() {
        let renamed = rename_imports(&module(), |from, name| {
            if from == "g" {
                name.split('_').nth(3).unwrap_or(name).to_owned()
            } else {
                name.to_owned()
            }
        })
        .expect("a module");
        let mut seen = Vec::new();
        rename_imports(&renamed, |from, name| {
            seen.push(format!("{from}.{name}"));
            name.to_owned()
        })
        .expect("still a module");
        assert_eq!(seen, ["g.fetch", "g.memory", "env.keep_me"]);
        assert!(renamed.ends_with(&[0x00, 0x04, 0x01, b'n', 0xaa, 0xbb]));
        // Renaming back gives the very module it came from.
        let back = rename_imports(&renamed, |_, name| match name {
            "fetch" => "__wbg_fetch_0123456789abcdef".into(),
            "memory" => "__wbg_memory_fedcba9876543210".into(),
            other => other.into(),
        })
        .expect("a module");
        assert_eq!(back, module());
    }

    #[test]
    fn a_cut_or_foreign_module_is_refused() {
        let module = module();
        assert!(rename_imports(&module[..module.len() - 3], |_, n| n.into()).is_err());
        assert!(rename_imports(b"\0asm\x02\0\0\0", |_, n| n.into()).is_err());
    }

    #[test]
    fn short_names_are_identifiers_and_all_differ() {
        let names: Vec<String> = (0..3000).map(short_name).collect();
        assert_eq!(&names[..3], ["a", "b", "c"]);
        assert_eq!(names[52], "aa");
        let unique: std::collections::HashSet<&String> = names.iter().collect();
        assert_eq!(unique.len(), names.len());
        assert!(names
            .iter()
            .all(|n| n.bytes().all(|b| b.is_ascii_alphabetic())));
    }
}
