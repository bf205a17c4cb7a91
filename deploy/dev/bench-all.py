#!/usr/bin/env python3
"""Writes the section of BENCHMARKS.md that `deploy/dev/bench.sh all` owns.

Usage: bench-all.py BENCHMARKS.md LOG_DIR COMMIT MACHINE NAME...

Each NAME's log (LOG_DIR/NAME.log, the benchmark's whole output) contributes its summary: the last paragraph it
printed, which every benchmark ends with (figures beside its same-run baseline and the ratio), or the failure and the
log's path when the run did not end well (LOG_DIR/NAME.rc holds its exit status), and the machine's load average
when it began (LOG_DIR/NAME.load). The section between the markers is
replaced; the rest of BENCHMARKS.md, the hand-written history, is left as it is.
"""
import pathlib
import re
import sys

BEGIN = "<!-- bench.sh all: begin (generated; the rest of this file is written by hand) -->"
END = "<!-- bench.sh all: end -->"


# A log line (logback's pattern: time, level): services a benchmark stops may log after its summary.
LOG_LINE = re.compile(r"^\d\d:\d\d:\d\d\.\d{3} (TRACE|DEBUG|INFO|WARN|ERROR) .*$", re.M)


def summary(log: pathlib.Path) -> str:
    text = log.read_text(errors="replace") if log.exists() else ""
    text = LOG_LINE.sub("", text)
    paragraphs = [p.strip("\n") for p in text.replace("\r", "\n").split("\n\n") if p.strip()]
    return paragraphs[-1] if paragraphs else "(no output)"


def main() -> None:
    doc, logs, commit, machine = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), sys.argv[3], sys.argv[4]
    names = sys.argv[5:]
    out = [BEGIN, "", "## Latest `deploy/dev/bench.sh all`", "",
           f"Commit `{commit}`, {machine}. Each benchmark as `deploy/dev/bench.sh <name>` with its defaults; its own "
           "summary, beside its baseline measured in the same run. Written by the command; the sections after this "
           "one keep the history and the discussion.", ""]
    for name in names:
        rc_file = logs / f"{name}.rc"
        rc = rc_file.read_text().strip() if rc_file.exists() else "?"
        load_file = logs / f"{name}.load"
        load = load_file.read_text().strip() if load_file.exists() else "?"
        out.append(f"### `bench.sh {name}`" + ("" if rc == "0" else f" — failed (exit {rc}), log: {logs / (name + '.log')}"))
        out.append("")
        out.append(f"Load average when it began: {load}.")
        out.append("")
        out.append("```")
        out.append(summary(logs / f"{name}.log"))
        out.append("```")
        out.append("")
    out.append(END)
    text = doc.read_text()
    if BEGIN in text and END in text:
        before, rest = text.split(BEGIN, 1)
        after = rest.split(END, 1)[1]
        text = before + "\n".join(out) + after
    else:
        head, sep, body = text.partition("\n## ")
        text = head + "\n" + "\n".join(out) + "\n\n## " + body
    doc.write_text(text)


if __name__ == "__main__":
    main()
