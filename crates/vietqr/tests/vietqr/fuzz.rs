//! The decoder fuzz harness that runs in CI: valid payloads mutated at random (byte
//! flips, insertions from a dictionary of EMVCo tokens, deletions, truncation,
//! splices), half of them with the CRC repaired so mutations reach the nested
//! parsers instead of stopping at the checksum. Every outcome must be a clean
//! `Ok` or `Err`, and every `Ok` must re-assemble into its input.

use proptest::prelude::*;

use crate::common::{EX_611, EX_612, EX_613, EX_614, with_crc};
use crate::props::exercise;

const DICT: &[&str] = &[
    "00",
    "01",
    "02",
    "26",
    "38",
    "51",
    "62",
    "63",
    "64",
    "80",
    "99",
    "6304",
    "0010",
    "A000000727",
    "A000000775",
    "QRIBFTTA",
    "99",
    "Đ",
    "ợ",
    "ử",
    "\u{301}",
    "0000",
    "9",
    ".",
];

#[derive(Debug, Clone)]
enum Mutation {
    Replace(usize, u8),
    Insert(usize, usize),
    Delete(usize, usize),
    Truncate(usize),
    Splice(usize, usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Replace(i, b)),
        (any::<usize>(), 0..DICT.len()).prop_map(|(i, d)| Mutation::Insert(i, d)),
        (any::<usize>(), 1usize..6).prop_map(|(i, n)| Mutation::Delete(i, n)),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), any::<usize>(), 1usize..12).prop_map(|(a, b, n)| Mutation::Splice(a, b, n)),
    ]
}

fn apply(seed: &str, muts: &[Mutation]) -> String {
    let mut b: Vec<u8> = seed.as_bytes().to_vec();
    for m in muts {
        let n = b.len().max(1);
        match *m {
            Mutation::Replace(i, x) => {
                if !b.is_empty() {
                    // Mostly digits, so lengths and IDs change meaningfully.
                    b[i % n] = if x < 200 { b'0' + x % 10 } else { x };
                }
            }
            Mutation::Insert(i, d) => {
                let at = i % (b.len() + 1);
                b.splice(at..at, DICT[d].bytes());
            }
            Mutation::Delete(i, k) => {
                let at = i % n;
                let end = (at + k).min(b.len());
                b.drain(at.min(b.len())..end);
            }
            Mutation::Truncate(i) => b.truncate(i % n),
            Mutation::Splice(a, c, k) => {
                if !b.is_empty() {
                    let from = a % b.len();
                    let part: Vec<u8> = b[from..(from + k).min(b.len())].to_vec();
                    let at = c % (b.len() + 1);
                    b.splice(at..at, part);
                }
            }
        }
    }
    String::from_utf8_lossy(&b).into_owned()
}

fn seeds() -> Vec<String> {
    let mut v: Vec<String> = [EX_611, EX_612, EX_613, EX_614].map(String::from).to_vec();
    v.push(
        vietqr::Transfer::to_account("970436", "0123456789")
            .amount(1_250_000)
            .purpose("Nộp phí hồ sơ")
            .terminal("SAP-12")
            .encode()
            .unwrap(),
    );
    v.push(with_crc(
        "000201010211262800100A00000077501060123455204581253037045802VN5905SHOP16005HANOI62290525Chợ Một Ngàn sạp 12 ABC",
    ));
    v.push(with_crc("0002010102128611vn.zalopay6405ab"));
    v
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20_000))]

    #[test]
    fn mutated_payloads_never_panic(
        seed in 0usize..7,
        muts in proptest::collection::vec(mutation(), 1..5),
        repair in any::<bool>(),
    ) {
        let seeds = seeds();
        let mut s = apply(&seeds[seed % seeds.len()], &muts);
        if repair {
            // Replace whatever tail there is with a correct CRC.
            let cut = s.rfind("6304").unwrap_or(s.len());
            s.truncate(cut);
            s = with_crc(&s);
        }
        exercise(&s);
    }
}
