//! The command-line face of the crate (cargo feature `cli`): `decode`, `encode` and
//! `render` subcommands, meant to be mounted by a binary as `xaso qr <subcommand>`.
//!
//! The binary parses [`Command`] with clap and calls [`run`], which writes to the
//! given streams and returns the exit code, so tests drive it without a process.
//! `decode` prints one JSON object per the contract in the crate README; any
//! invalid input exits 1 with the reason on `err`.

use std::io::Write;
use std::path::PathBuf;

use serde_json::{Map, Value, json};

use crate::decode::{Payload, Profile, decode};
use crate::encode::Transfer;
use crate::profile;
use crate::render::{self, Caption, EcLevel, RenderOptions};
use crate::tlv::{FieldPath, Nesting, Tlv, TlvIter, nesting};
use crate::types::Vnd;

/// Error-correction level accepted by `render --ec`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Ec {
    /// ~7 % recovery.
    L,
    /// ~15 % recovery (default).
    M,
    /// ~25 % recovery.
    Q,
    /// ~30 % recovery.
    H,
}

/// The `qr` subcommands.
#[derive(Clone, Debug, PartialEq, Eq, clap::Subcommand)]
pub enum Command {
    /// Decode and validate a payload; print it as one JSON object.
    Decode {
        /// The payload text.
        payload: String,
    },
    /// Encode a VietQR transfer order; print the payload.
    Encode {
        /// Beneficiary bank BIN (6 digits), e.g. 970436.
        #[arg(long)]
        bin: String,
        /// Account number (or card number with --card).
        #[arg(long)]
        account: String,
        /// The account is a card number (service QRIBFTTC).
        #[arg(long)]
        card: bool,
        /// Amount in đồng; makes the code dynamic.
        #[arg(long)]
        amount: Option<u64>,
        /// Transfer content (62.08), folded to ASCII, at most 25 characters.
        #[arg(long)]
        purpose: Option<String>,
        /// Bill number (62.01).
        #[arg(long)]
        bill_number: Option<String>,
        /// Reference label (62.05).
        #[arg(long)]
        reference: Option<String>,
        /// Terminal label (62.07), e.g. a market stall id.
        #[arg(long)]
        terminal: Option<String>,
    },
    /// Render a payload as an image; the format follows the extension (.svg or .png).
    Render {
        /// The payload text.
        payload: String,
        /// Output file, ending in .svg or .png.
        #[arg(long)]
        out: PathBuf,
        /// Error-correction level (default M).
        #[arg(long, value_enum)]
        ec: Option<Ec>,
        /// Account holder to print under the code with the bank and amount (SVG only).
        #[arg(long)]
        holder: Option<String>,
    },
}

/// Runs one subcommand, writing results to `out` and diagnostics to `err`; returns
/// the process exit code (0 success, 1 invalid input or failure).
pub fn run(cmd: Command, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let result = match cmd {
        Command::Decode { payload } => decode_json(payload.trim()).map(|v| format!("{v}\n")),
        Command::Encode { bin, account, card, amount, purpose, bill_number, reference, terminal } => {
            let mut t = if card { Transfer::to_card(&bin, &account) } else { Transfer::to_account(&bin, &account) };
            if let Some(a) = amount {
                t = t.amount(a);
            }
            if let Some(p) = &purpose {
                t = t.purpose(p);
            }
            if let Some(b) = &bill_number {
                t = t.bill_number(b);
            }
            if let Some(r) = &reference {
                t = t.reference(r);
            }
            if let Some(x) = &terminal {
                t = t.terminal(x);
            }
            t.encode().map(|s| s + "\n").map_err(|e| e.to_string())
        }
        Command::Render { payload, out: path, ec, holder } => {
            render_file(payload.trim(), &path, ec, holder).map(|()| String::new())
        }
    };
    match result {
        Ok(text) => match out.write_all(text.as_bytes()) {
            Ok(()) => 0,
            Err(e) => {
                let _ = writeln!(err, "error: {e}");
                1
            }
        },
        Err(reason) => {
            let _ = writeln!(err, "error: {reason}");
            1
        }
    }
}

/// The `decode` JSON object.
///
/// # Errors
/// The reason the payload is invalid.
pub fn decode_json(payload: &str) -> Result<Value, String> {
    let p = decode(payload).map_err(|e| e.to_string())?;
    let profile = profile::detect(&p);
    let fields = tree(&p);
    let v = match profile {
        Profile::VietQr => {
            let q = p.vietqr().map_err(|e| e.to_string())?;
            let a = q.additional;
            json!({
                "crc_valid": true,
                "profile": profile.as_str(),
                "initiation": q.initiation.as_str(),
                "bin": q.bin.as_str(),
                "bank": q.bank.map(|b| b.name),
                "account": q.account,
                "service": q.service.map(|s| s.code()),
                "amount": q.amount.map(|a| a.0),
                "currency": q.currency,
                "country": q.country,
                "purpose": a.purpose(),
                "bill_number": a.bill_number(),
                "reference": a.reference(),
                "terminal": a.terminal(),
                "merchant_name": q.merchant_name,
                "merchant_city": q.merchant_city,
                "fields": fields,
            })
        }
        Profile::Emvco => {
            p.validate(Profile::Emvco).map_err(|e| e.to_string())?;
            let m = p.merchant();
            let a = m.additional;
            json!({
                "crc_valid": true,
                "profile": profile.as_str(),
                "initiation": m.initiation.as_str(),
                "bin": Value::Null,
                "bank": Value::Null,
                "account": m.account.and_then(|a| a.merchant_id),
                "service": Value::Null,
                "amount": m.amount.and_then(Vnd::parse_emv).map(|a| a.0),
                "currency": m.currency,
                "country": m.country,
                "purpose": a.purpose(),
                "bill_number": a.bill_number(),
                "reference": a.reference(),
                "terminal": a.terminal(),
                "merchant_name": m.name,
                "merchant_city": m.city,
                "fields": fields,
            })
        }
    };
    Ok(v)
}

/// The raw field tree: IDs as keys in payload order, templates as nested objects.
fn tree(p: &Payload<'_>) -> Value {
    let raw = p.raw();
    let ascii = p.is_ascii();
    let mut map = Map::new();
    for t in p.fields() {
        map.insert(format!("{:02}", t.id), node(raw, ascii, &t, FieldPath::root(t.id), None));
    }
    Value::Object(map)
}

fn node(raw: &str, ascii: bool, t: &Tlv<'_>, path: FieldPath, guid: Option<&str>) -> Value {
    let nest = nesting(&path, guid);
    let well_formed = !t.value.is_empty() && TlvIter::nested(raw, t, ascii).all(|r| r.is_ok());
    if nest == Nesting::Value || !well_formed {
        return Value::String(t.value.to_owned());
    }
    let subs: Vec<Tlv<'_>> = TlvIter::nested(raw, t, ascii).map_while(Result::ok).collect();
    let guid = if path.ids().len() == 1 { subs.iter().find(|s| s.id == 0).map(|s| s.value) } else { None };
    let mut map = Map::new();
    for s in &subs {
        map.insert(format!("{:02}", s.id), node(raw, ascii, s, path.child(s.id), guid));
    }
    Value::Object(map)
}

fn render_file(payload: &str, path: &PathBuf, ec: Option<Ec>, holder: Option<String>) -> Result<(), String> {
    let p = decode(payload).map_err(|e| e.to_string())?;
    let profile = profile::detect(&p);
    p.validate(profile).map_err(|e| e.to_string())?;
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default();
    let caption = holder.map(|holder| {
        let q = p.vietqr().ok();
        Caption {
            bank: q.and_then(|q| q.bank).map(|b| b.name.to_owned()),
            holder: Some(holder),
            amount: q.and_then(|q| q.amount),
        }
    });
    let opts = RenderOptions {
        ec: ec.map(|e| match e {
            Ec::L => EcLevel::L,
            Ec::M => EcLevel::M,
            Ec::Q => EcLevel::Q,
            Ec::H => EcLevel::H,
        }),
        caption,
        ..RenderOptions::default()
    };
    let bytes = match ext.as_str() {
        "svg" => render::to_svg(payload, &opts).map(String::into_bytes),
        "png" => render::to_png(payload, &opts),
        _ => {
            return Err(format!("{}: the output file must end in .svg or .png", path.display()));
        }
    }
    .map_err(|e| e.to_string())?;
    std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}
