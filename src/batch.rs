//! Many requests, one per line (NDJSON): each line gets one output line, in
//! input order, whatever the number of worker threads. A bad line gets an
//! error object and never stops the batch.

use std::io::{self, BufRead, Write};

use crate::{Policy, Scratch};

/// How many lines a worker takes at a time.
const BLOCK: usize = 2048;

/// What a batch did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Requests decided.
    pub decided: usize,
    /// Lines that were not valid requests.
    pub bad: usize,
}

/// The output line for one input line: the decision, or an error object.
fn decide_line(
    policy: &Policy,
    line_no: usize,
    line: &str,
    scratch: &mut Scratch,
    out: &mut Vec<u8>,
) -> bool {
    match policy.bind(line) {
        Ok(facts) => {
            policy.evaluate(&facts, scratch).write_json(out);
            out.push(b'\n');
            true
        }
        Err(e) => {
            let error = serde_json::json!({"error": {"line": line_no, "message": e.message}});
            out.extend_from_slice(error.to_string().as_bytes());
            out.push(b'\n');
            false
        }
    }
}

/// Decides every non-blank line of `input`, writing one line per request to
/// `output`, with `threads` workers (at least one).
pub fn run<R: BufRead, W: Write>(
    policy: &Policy,
    input: R,
    mut output: W,
    threads: usize,
) -> io::Result<Summary> {
    let threads = threads.max(1);
    let mut summary = Summary::default();
    let mut lines = input.lines();
    let mut line_no = 0;
    let mut scratches: Vec<Scratch> = (0..threads).map(|_| Scratch::default()).collect();
    loop {
        let mut block: Vec<(usize, String)> = Vec::with_capacity(BLOCK * threads);
        for line in lines.by_ref() {
            line_no += 1;
            let line = line?;
            if !line.trim().is_empty() {
                block.push((line_no, line));
            }
            if block.len() == BLOCK * threads {
                break;
            }
        }
        if block.is_empty() {
            break;
        }
        let chunk = block.len().div_ceil(threads);
        let results: Vec<(Vec<u8>, usize)> = if threads == 1 || block.len() < 64 {
            let mut out = Vec::new();
            let ok = block
                .iter()
                .filter(|(n, l)| decide_line(policy, *n, l, &mut scratches[0], &mut out))
                .count();
            vec![(out, ok)]
        } else {
            std::thread::scope(|s| {
                let handles: Vec<_> = block
                    .chunks(chunk)
                    .zip(scratches.iter_mut())
                    .map(|(part, scratch)| {
                        s.spawn(move || {
                            let mut out = Vec::new();
                            let ok = part
                                .iter()
                                .filter(|(n, l)| decide_line(policy, *n, l, scratch, &mut out))
                                .count();
                            (out, ok)
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().unwrap_or_else(|_| (Vec::new(), 0)))
                    .collect()
            })
        };
        let mut ok = 0;
        for (text, n) in &results {
            output.write_all(text)?;
            ok += n;
        }
        summary.decided += ok;
        summary.bad += block.len() - ok;
    }
    output.flush()?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(input: &str, threads: usize) -> (String, Summary) {
        let policy = Policy::embedded().unwrap();
        let mut out = Vec::new();
        let summary = run(&policy, input.as_bytes(), &mut out, threads).unwrap();
        (String::from_utf8(out).unwrap(), summary)
    }

    const GOOD: &str = r#"{"member":{"age":45,"plan":"commercial"},"order":{"lines":[{"code":"70551"}],"purpose":"diagnostic"},"clinical":{"evaluation":"in_person"}}"#;

    #[test]
    fn a_bad_line_gets_an_error_and_the_rest_go_on() {
        let input = format!("{GOOD}\n{{\"member\": 3}}\n\n{GOOD}\n");
        let (out, summary) = batch(&input, 1);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[0].starts_with("{\"id\":null,\"outcome\":\"proceed\""));
        assert_eq!(
            lines[1],
            r#"{"error":{"line":2,"message":"member: expected an object, found 3"}}"#
        );
        assert!(lines[2].contains("\"outcome\":\"proceed\""));
        assert_eq!(summary, Summary { decided: 2, bad: 1 });
    }

    #[test]
    fn threads_keep_the_order() {
        let mut input = String::new();
        for i in 0..5000 {
            input.push_str(&GOOD.replace("{\"member\"", &format!("{{\"id\":\"r{i}\",\"member\"")));
            input.push('\n');
        }
        let (one, _) = batch(&input, 1);
        let (two, summary) = batch(&input, 2);
        assert_eq!(one, two);
        assert_eq!(summary.decided, 5000);
        assert!(
            two.lines()
                .nth(4321)
                .unwrap()
                .starts_with("{\"id\":\"r4321\"")
        );
    }
}
