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
    line: &[u8],
    scratch: &mut Scratch,
    out: &mut Vec<u8>,
) -> bool {
    let bound = std::str::from_utf8(line)
        .map_err(|e| {
            format!(
                "not UTF-8 text (a bad byte at column {})",
                e.valid_up_to() + 1
            )
        })
        .and_then(|line| policy.bind(line).map_err(|e| e.message));
    match bound {
        Ok(facts) => {
            policy.evaluate(&facts, scratch).write_json(out);
            out.push(b'\n');
            true
        }
        Err(message) => {
            let error = serde_json::json!({"error": {"line": line_no, "message": message}});
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
    mut input: R,
    mut output: W,
    threads: usize,
) -> io::Result<Summary> {
    let threads = threads.max(1);
    let mut summary = Summary::default();
    let mut line_no = 0;
    // Each worker's scratch space and output, kept from block to block.
    let mut workers: Vec<(Scratch, Vec<u8>)> = (0..threads)
        .map(|_| (Scratch::default(), Vec::new()))
        .collect();
    // A block of lines: their bytes end to end, and each non-blank line's
    // number and place.
    let mut text: Vec<u8> = Vec::new();
    let mut block: Vec<(usize, usize, usize)> = Vec::with_capacity(BLOCK * threads);
    let mut end_of_input = false;
    while !end_of_input {
        text.clear();
        block.clear();
        while block.len() < BLOCK * threads {
            let start = text.len();
            if input.read_until(b'\n', &mut text)? == 0 {
                end_of_input = true;
                break;
            }
            line_no += 1;
            let line = text[start..].strip_suffix(b"\n").unwrap_or(&text[start..]);
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if !line.trim_ascii().is_empty() {
                block.push((line_no, start, start + line.len()));
            }
        }
        if block.is_empty() {
            break;
        }
        let text = &text;
        let decide_part = |part: &[(usize, usize, usize)],
                           (scratch, out): &mut (Scratch, Vec<u8>)| {
            out.clear();
            part.iter()
                .filter(|&&(n, start, end)| decide_line(policy, n, &text[start..end], scratch, out))
                .count()
        };
        // One worker for a short block; else a contiguous part each.
        let single = threads == 1 || block.len() < 64;
        let chunk = if single {
            block.len()
        } else {
            block.len().div_ceil(threads)
        };
        let parts = block.len().div_ceil(chunk);
        let done: Vec<Option<usize>> = if single {
            vec![Some(decide_part(&block, &mut workers[0]))]
        } else {
            std::thread::scope(|s| {
                let handles: Vec<_> = block
                    .chunks(chunk)
                    .zip(workers.iter_mut())
                    .map(|(part, worker)| s.spawn(move || decide_part(part, worker)))
                    .collect();
                handles.into_iter().map(|h| h.join().ok()).collect()
            })
        };
        let mut ok = 0;
        for ((_, text), done) in workers[..parts].iter_mut().zip(done) {
            // A worker that failed leaves no half-written output.
            match done {
                Some(n) => {
                    output.write_all(text)?;
                    ok += n;
                }
                None => text.clear(),
            }
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
    fn a_line_that_is_not_utf8_gets_an_error_and_the_rest_go_on() {
        let mut input = format!("{GOOD}\r\n").into_bytes();
        input.extend_from_slice(b"{\"id\": \"\xff\"}\n");
        input.extend_from_slice(GOOD.as_bytes());
        let policy = Policy::embedded().unwrap();
        let mut out = Vec::new();
        let summary = run(&policy, &input[..], &mut out, 1).unwrap();
        let out = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(
            lines[1],
            r#"{"error":{"line":2,"message":"not UTF-8 text (a bad byte at column 9)"}}"#
        );
        assert!(lines[0].contains("\"outcome\":\"proceed\""));
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
