"""Typed input at the edges (issue 13 item 4), checked on the code itself: no view reads a value of
``request.POST`` / ``request.GET`` by hand (a Django form reads it), and no service or selector reads
text into numbers (``core.parse``, through a form or an API schema, does it before they are
called). Each check is shown to fail on a deliberate violation."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "snshelper"

# Where reading request.POST / request.GET by hand is the right thing, and why. Nothing else may.
ALLOWED_RAW_READS = {
    "snshelper/api/v2.py": (
        "API v2's edge (the resellers' protocol, PROTOCOL's issue 16): the form-encoded call is "
        "copied whole, name by name, into its Params, which read each value with core.parse and "
        "answer {'error': ...} in the protocol's words; a Django form would change those answers."
    ),
}

# Which function of a service or selector may read text, and why. Nothing else may.
ALLOWED_TEXT_READS = {
    "snshelper/privacy_rights/export/services.py::read": (
        "Reads back the export file this module wrote itself (a section's count in its own "
        "header line): our own format, not input from a person or a program."
    ),
    "snshelper/providers/services.py::our_rate": (
        "Service.Rounding's stored value is the rounding step itself ('0.01', '1'): our own "
        "choice made into the quantum, not text from outside."
    ),
    "snshelper/orders/services.py::_quantity_and_fields": (
        "Gets lists already read (Sequence[str]); parse.lines only splits an item that still "
        "holds a newline, as API v1's list fields may (PROTOCOL reads v1 at its edge in issue 16; "
        "HOT rewrites place_order's path in issue 14): remove once both land."
    ),
}

QUERY_DICTS = {"POST", "GET"}
# What may be done with a whole QueryDict without reading a value: copy it to build a link.
WHOLE_DICT_METHODS = {"copy", "urlencode"}
TEXT_METHODS = {"strip", "lstrip", "rstrip", "split", "rsplit", "partition", "replace", "removeprefix"}
NUMBER_MAKERS = {"int", "float", "Decimal"}


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def _is_query_dict(node: ast.AST) -> bool:
    """``request.POST`` / ``request.GET`` (or ``self.request.GET``)."""
    if not (isinstance(node, ast.Attribute) and node.attr in QUERY_DICTS):
        return False
    owner = node.value
    return (isinstance(owner, ast.Name) and owner.id == "request") or (
        isinstance(owner, ast.Attribute) and owner.attr == "request"
    )


def raw_reads(source: str) -> list[str]:
    """Each place a value of request.POST / request.GET is read by hand: ``.get(...)``,
    ``.getlist(...)``, ``[...]``, ``"x" in request.POST``, iterating it. Handing the whole QueryDict
    to a form (``Form(request.POST)``, ``request.POST or None``) is no read."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and _is_query_dict(node.value):
            if node.attr not in WHOLE_DICT_METHODS:
                found.append(f"line {node.lineno}: request.{node.value.attr}.{node.attr}")
        elif isinstance(node, ast.Subscript) and _is_query_dict(node.value):
            found.append(f"line {node.lineno}: request.{node.value.attr}[...]")
        elif isinstance(node, ast.Compare) and any(isinstance(op, ast.In | ast.NotIn) for op in node.ops):
            if any(_is_query_dict(side) for side in node.comparators):
                found.append(f"line {node.lineno}: ... in request.POST/GET")
        elif isinstance(node, ast.comprehension | ast.For) and _is_query_dict(node.iter):
            found.append(f"line {node.iter.lineno}: for ... in request.{node.iter.attr}")
    return found


def _parse_names(tree: ast.Module) -> tuple[set[str], set[str]]:
    """The names ``core.parse`` goes by in a module, and the names imported from it."""
    modules, functions = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "snshelper.core":
            modules |= {alias.asname or alias.name for alias in node.names if alias.name == "parse"}
        elif isinstance(node, ast.ImportFrom) and node.module == "snshelper.core.parse":
            functions |= {alias.asname or alias.name for alias in node.names}
        elif isinstance(node, ast.Import):
            modules |= {alias.asname for alias in node.names if alias.name == "snshelper.core.parse"}
    return modules - {None}, functions


def _str_parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """Parameters annotated ``str`` (``str | None`` too) or given a text default."""
    arguments = function.args
    every = arguments.posonlyargs + arguments.args + arguments.kwonlyargs
    defaults = dict(zip(reversed(arguments.args), reversed(arguments.defaults), strict=False))
    defaults.update(
        (argument, default)
        for argument, default in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True)
        if default is not None
    )
    names = set()
    for argument in every:
        annotation = ast.unparse(argument.annotation) if argument.annotation is not None else ""
        default = defaults.get(argument)
        if "str" in annotation.replace(" ", "").split("|") or (
            isinstance(default, ast.Constant) and isinstance(default.value, str)
        ):
            names.add(argument.arg)
    return names


def _reads_text(node: ast.AST, text_names: set[str]) -> bool:
    """Whether an expression is text: a text parameter, ``str(...)``, a text method's result."""
    for part in ast.walk(node):
        if isinstance(part, ast.Name) and part.id in text_names:
            return True
        if isinstance(part, ast.Call):
            if isinstance(part.func, ast.Name) and part.func.id == "str":
                return True
            if isinstance(part.func, ast.Attribute) and part.func.attr in TEXT_METHODS:
                return True
    return False


def _call_name(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def text_reads(source: str) -> list[str]:
    """Each place a function reads text into a value (``function: what``): calls ``core.parse``
    (or a ``parse...`` helper), or makes a number (``int``, ``float``, ``Decimal``) of text."""
    tree = ast.parse(source)
    parse_modules, parse_functions = _parse_names(tree)
    found = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        text_names = _str_parameters(function)
        for node in ast.walk(function):
            if not isinstance(node, ast.Call):
                continue
            name, func = _call_name(node), node.func
            where = f"{function.name}: line {node.lineno}"
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
                if func.value.id in parse_modules:
                    found.append(f"{where}: parse.{func.attr}(...)")
                    continue
            if isinstance(func, ast.Name) and (
                name in parse_functions or name.lstrip("_").startswith("parse")
            ):
                found.append(f"{where}: {name}(...)")
            elif name in NUMBER_MAKERS and node.args and _reads_text(node.args[0], text_names):
                found.append(f"{where}: {name}() of text")
    return found


def _services_and_selectors():
    for path in _modules():
        if path.name in ("services.py", "selectors.py") or path.parent.name in ("services", "selectors"):
            yield path


def test_no_view_reads_request_values_by_hand():
    found = {
        _relative(path): reads
        for path in _modules()
        if _relative(path) not in ALLOWED_RAW_READS and (reads := raw_reads(path.read_text()))
    }
    assert found == {}, "Read these with a Django form (core.form_fields has the shared fields)"


def test_the_raw_read_allow_list_has_reasons_and_is_still_needed():
    for module, reason in ALLOWED_RAW_READS.items():
        assert len(reason) > 40, module
        assert raw_reads((ROOT / module).read_text()), f"{module} no longer needs its place on the list"


@pytest.mark.parametrize(
    "source",
    [
        "def view(request):\n    return request.POST.get('reason', '')\n",
        "def view(request):\n    return request.GET.getlist('fields')\n",
        "def view(request):\n    return request.POST['action']\n",
        "def view(request):\n    return 'reveal' in request.POST\n",
        "def view(request):\n    return {name: 1 for name in request.GET}\n",
        "class View:\n    def get(self):\n        return self.request.GET.get('page')\n",
    ],
)
def test_the_raw_read_check_finds_each_kind(source):
    assert raw_reads(source)


def test_the_raw_read_check_lets_a_form_have_the_whole_request():
    source = (
        "def view(request):\n"
        "    form = Form(request.POST or None)\n"
        "    other = Form(request.POST if request.method == 'POST' else request.GET)\n"
        "    query = request.GET.copy()\n"
        "    return form, other, query.urlencode()\n"
    )
    assert raw_reads(source) == []


def test_no_service_or_selector_reads_text():
    checked = list(_services_and_selectors())
    assert len(checked) > 25  # every app's, and the privacy features'
    found = [
        f"{_relative(path)}::{read}"
        for path in checked
        for read in text_reads(path.read_text())
        if f"{_relative(path)}::{read.split(':')[0]}" not in ALLOWED_TEXT_READS
    ]
    assert found == [], "Services take typed values: read the text at the edge (a form, a schema)"


def test_the_text_read_allow_list_has_reasons_and_is_still_needed():
    for place, reason in ALLOWED_TEXT_READS.items():
        module, function = place.split("::")
        assert len(reason) > 40, place
        reads = [read.split(":")[0] for read in text_reads((ROOT / module).read_text())]
        assert function in reads, f"{place} no longer needs its place on the list"


@pytest.mark.parametrize(
    "source",
    [
        "from snshelper.core import parse\ndef f(*, quantity):\n    return parse.whole_number(quantity)\n",
        "from snshelper.core.parse import amount\ndef f(*, value):\n    return amount(value)\n",
        "def f(*, record_id: str):\n    return int(record_id)\n",
        "def f(*, record_id: str | None = None):\n    return int(record_id)\n",
        "def f(*, rate=''):\n    return Decimal(rate)\n",
        "def f(value):\n    return Decimal(str(value).strip())\n",
        "def f(line):\n    return int(line.split(':')[1])\n",
        "def f(value):\n    return parse_amount(value)\n",
    ],
)
def test_the_text_read_check_finds_each_kind(source):
    assert text_reads(source)


def test_the_text_read_check_lets_typed_values_through():
    source = (
        "from decimal import Decimal\n"
        "def f(*, amount: Decimal, quantity: int, hours: Decimal, name: str):\n"
        "    return Decimal(0) + amount * quantity, int(hours), name.strip()\n"
    )
    assert text_reads(source) == []


def test_the_checks_fail_on_a_violation_written_into_a_real_module(tmp_path):
    """A copy of a real service module with one text read added is caught, as is a copy of a real
    view module with one raw read added."""
    service = (PACKAGE / "wallet" / "services.py").read_text()
    assert text_reads(service) == []
    assert text_reads(service + "\n\ndef sneaky(*, amount: str):\n    return Decimal(amount)\n")
    view = (PACKAGE / "wallet" / "views.py").read_text()
    assert raw_reads(view) == []
    assert raw_reads(view + "\n\ndef sneaky(request):\n    return request.POST.get('amount')\n")
