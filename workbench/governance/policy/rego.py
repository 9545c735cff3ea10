"""The Rego interpreter (regopy, rego-cpp in-process): compile documents, evaluate, run Rego tests.

Nothing here knows about Django: documents are `{path: source}`, problems come back as
`PolicyProblem(path, line, column, message)` with the position counted from the source text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from regopy import Bundle, Interpreter, LogLevel
from regopy.rego_shared import (
    RegoError,
    rego_bundle_query_entrypoint,
    rego_output_ok,
    rego_output_string,
    rego_query,
)

DECISION_ENTRYPOINT = "workbench/access/decision"
DECISION_PACKAGE = "workbench.access"

_ERROR_RE = re.compile(
    r"\(error \d+:(?P<path>[^|\s]+)\|(?P<offset>\d+)\|\d+\s*\(errormsg \d+:(?P<msg>[^)\n]*)"
)
_ERRORMSG_RE = re.compile(r"\(errormsg \d+:(?P<msg>[^)\n]*)")
_PACKAGE_RE = re.compile(r"^\s*package\s+([A-Za-z_][\w.]*)", re.MULTILINE)
_TEST_RULE_RE = re.compile(r"^(test_\w+)\b", re.MULTILINE)


@dataclass(frozen=True)
class PolicyProblem:
    """Why a document was refused, where (1-based line and column; 0 when the whole document)."""

    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}" if self.line else self.path
        return f"{where}: {self.message}"


class PolicyRuntimeError(Exception):
    """Evaluating a compiled policy failed (a conflict between rules, a missing function...)."""


@dataclass(frozen=True)
class RegoTestResult:
    path: str
    package: str
    name: str
    passed: bool
    message: str = ""


def package_of(source: str) -> str:
    match = _PACKAGE_RE.search(source)
    return match.group(1) if match else ""


def rego_test_names(source: str) -> list[str]:
    """`test_*` rules of a document, in order, each once (OPA's convention for Rego unit tests)."""
    return list(dict.fromkeys(_TEST_RULE_RE.findall(source)))


def line_column(source: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a byte offset into the UTF-8 source."""
    before = source.encode("utf-8")[:offset].decode("utf-8", errors="ignore")
    line = before.count("\n") + 1
    return line, len(before) - (before.rfind("\n") + 1) + 1


def problems_from_error(error: RegoError | str, sources: Mapping[str, str]) -> list[PolicyProblem]:
    text = str(error)
    problems = []
    for match in _ERROR_RE.finditer(text):
        path = match.group("path")
        line, column = line_column(sources.get(path, ""), int(match.group("offset")))
        problems.append(PolicyProblem(path, line, column, match.group("msg").strip()))
    if not problems:
        messages = [m.group("msg").strip() for m in _ERRORMSG_RE.finditer(text)]
        problems.append(PolicyProblem("", 0, 0, "; ".join(messages) or text.strip()[:300]))
    return problems


def interpreter_with(sources: Mapping[str, str]) -> Interpreter:
    """An interpreter holding every document; raises PolicyCompileError with the problems."""
    interpreter = Interpreter()
    interpreter.log_level = LogLevel.NONE  # rego-cpp would print errors; we report them
    for path, source in sources.items():
        try:
            interpreter.add_module(path, source)
        except RegoError as error:
            raise PolicyCompileError(problems_from_error(error, sources)) from None
    return interpreter


class PolicyCompileError(Exception):
    def __init__(self, problems: list[PolicyProblem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def _output_value(impl: Any) -> Any:
    text = rego_output_string(impl) if rego_output_ok(impl) else "<error>"
    if text == "undefined":
        return None
    if text.startswith(("(error", "<error>")):
        messages = [m.group("msg").strip() for m in _ERRORMSG_RE.finditer(text)]
        raise PolicyRuntimeError("; ".join(messages) or "the policies could not be evaluated")
    try:
        results = json.loads(text)
    except json.JSONDecodeError as error:
        raise PolicyRuntimeError(f"unreadable policy output: {text[:200]}") from error
    if isinstance(results, list):
        results = results[0] if results else {}
    expressions = results.get("expressions") or [None]
    return expressions[0]


def query(interpreter: Interpreter, text: str) -> Any:
    """Evaluate a Rego query against the interpreter's documents and input."""
    try:
        return _output_value(rego_query(interpreter._impl, text))
    except RegoError as error:
        raise PolicyRuntimeError(str(error)[:300]) from error


@dataclass
class CompiledPolicies:
    """The decision entrypoint compiled once into a bundle; one instance per thread."""

    interpreter: Interpreter
    bundle: Bundle

    def evaluate(self, document: dict[str, Any]) -> Any:
        self.interpreter.set_input(document)
        impl = rego_bundle_query_entrypoint(
            self.interpreter._impl, self.bundle._impl, DECISION_ENTRYPOINT
        )
        return _output_value(impl)


def compile_decision(sources: Mapping[str, str]) -> CompiledPolicies:
    interpreter = interpreter_with(sources)
    try:
        bundle = interpreter.build(None, [DECISION_ENTRYPOINT])
    except RegoError as error:
        raise PolicyCompileError(problems_from_error(error, sources)) from None
    if not bundle.ok():
        raise PolicyCompileError([PolicyProblem("", 0, 0, "The policies could not be compiled.")])
    return CompiledPolicies(interpreter, bundle)


def run_tests(sources: Mapping[str, str]) -> list[RegoTestResult]:
    """Run every `test_*` rule of every document, as `opa test` does: a test passes when its rule
    is true. All test rules are compiled into one bundle (a query per test would recompile the
    documents each time). Compile problems raise PolicyCompileError."""
    tests = [
        (path, package_of(source), name)
        for path, source in sources.items()
        for name in rego_test_names(source)
    ]
    if not tests:
        return []
    interpreter = interpreter_with(sources)
    entrypoints = [_entrypoint(package, name) for _, package, name in tests]
    try:
        bundle = interpreter.build(None, entrypoints)
    except RegoError as error:
        raise PolicyCompileError(problems_from_error(error, sources)) from None
    results = []
    for (path, package, name), entrypoint in zip(tests, entrypoints, strict=True):
        try:
            impl = rego_bundle_query_entrypoint(interpreter._impl, bundle._impl, entrypoint)
            value = _output_value(impl)
        except (PolicyRuntimeError, RegoError) as error:
            results.append(RegoTestResult(path, package, name, False, str(error)[:300]))
            continue
        passed = value is True
        shown = "undefined" if value is None else json.dumps(value)
        message = "" if passed else f"{name} is {shown}, not true"
        results.append(RegoTestResult(path, package, name, passed, message))
    return results


def _entrypoint(package: str, rule: str) -> str:
    return "/".join([*package.split("."), rule])


def rego_test_line(source: str, name: str) -> int:
    for number, line in enumerate(source.splitlines(), start=1):
        if line.startswith(name):
            return number
    return 0
