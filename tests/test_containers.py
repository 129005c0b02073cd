"""Sequential, ModuleList and ModuleDict against PyTorch's: each case runs on both libraries and compares the
children (names and types, in order) or the error raised; `del`, `insert`, `pop`, `+`, `+=` and `*` renumber the
children as PyTorch's do."""
import pytest
import torch

import minigrad


def children(container):
    return [(name, type(m).__name__) for name, m in container.named_children()]


CASES = [
    "s = nn.Sequential(nn.Linear(3, 2), nn.ReLU(), nn.Tanh()); del s[1]",
    "s = nn.Sequential(nn.Linear(3, 2), nn.ReLU(), nn.Tanh()); del s[-3:-1]",
    "s = nn.Sequential(OrderedDict(a=nn.ReLU(), b=nn.Tanh(), c=nn.Sigmoid())); del s[0]",
    "s = nn.Sequential(nn.Linear(3, 2), nn.ReLU(), nn.Tanh()); popped = s.pop(1); assert type(popped) is nn.ReLU",
    "s = nn.Sequential(nn.Linear(3, 2), nn.ReLU()) + nn.Sequential(nn.Tanh())",
    "s = nn.Sequential(nn.Linear(3, 2), nn.ReLU()); s += nn.Sequential(nn.Tanh())",
    "s = nn.Sequential(nn.ReLU(), nn.Tanh()) * 3",
    "s = 2 * nn.Sequential(nn.ReLU(), nn.Tanh())",
    "s = nn.Sequential(nn.ReLU(), nn.Tanh()); s *= 2",
    "s = nn.Sequential(nn.Linear(3, 2), nn.ReLU()); s.insert(-1, nn.Tanh())",
    "s = nn.Sequential(nn.Linear(3, 2), nn.ReLU()); s.insert(2, nn.Tanh()).insert(0, nn.Sigmoid())",
    "s = nn.Sequential(nn.Linear(3, 2), nn.ReLU()); s[-1] = nn.Tanh()",
    "s = nn.Sequential(nn.Linear(3, 2), nn.ReLU(), nn.Tanh())[1:]",
    "s = nn.ModuleList([nn.Linear(3, 2), nn.ReLU(), nn.Tanh()]); del s[0]",
    "s = nn.ModuleList([nn.Linear(3, 2), nn.ReLU(), nn.Tanh()]); del s[::2]",
    "s = nn.ModuleList([nn.Linear(3, 2), nn.ReLU()]); s.insert(1, nn.Tanh())",
    "s = nn.ModuleList([nn.Linear(3, 2), nn.ReLU()]); popped = s.pop(0); assert type(popped) is nn.Linear",
    "s = nn.ModuleList([nn.Linear(3, 2), nn.ReLU()]); s[1] = nn.Tanh(); s[-2] = nn.Sigmoid()",
    "s = nn.ModuleList([nn.Linear(3, 2)]) + nn.ModuleList([nn.ReLU()])",
    "s = nn.ModuleList([nn.Linear(3, 2)]); s += [nn.ReLU(), nn.Tanh()]",
    "s = nn.ModuleList([nn.Linear(3, 2), nn.ReLU(), nn.Tanh()])[-2:]",
    "s = nn.ModuleDict([('a', nn.ReLU()), ('b', nn.Tanh())])",
    "s = nn.ModuleDict({'a': nn.ReLU(), 'b': nn.Tanh()}); popped = s.pop('a'); assert type(popped) is nn.ReLU",
    "s = nn.ModuleDict({'a': nn.ReLU(), 'b': nn.Tanh()}); del s['b']; s.update([('c', nn.Tanh())])",
    "s = nn.ModuleDict({'a': nn.ReLU()}); s.update(nn.ModuleDict({'a': nn.Tanh(), 'z': nn.ReLU()}))",
    "s = nn.ModuleDict({'a': nn.ReLU(), 'b': nn.Tanh()}); s.clear()",
]

ERRORS = [
    "nn.Sequential(nn.ReLU())[1]", "nn.Sequential(nn.ReLU())[-2]", "del nn.Sequential(nn.ReLU())[3]",
    "nn.Sequential(nn.ReLU()) + nn.ModuleList([])", "nn.Sequential(nn.ReLU()) * 0", "nn.Sequential(nn.ReLU()) * 1.5",
    "nn.Sequential(nn.ReLU()).insert(3, nn.ReLU())", "nn.Sequential(nn.ReLU()).insert(0, 5)",
    "nn.ModuleList([nn.ReLU()])[2]", "nn.ModuleList(5)", "nn.ModuleDict([('a', nn.ReLU(), 1)])",
    "nn.ModuleDict(5)", "nn.ModuleDict({'a': nn.ReLU()})['b']", "nn.ModuleList([nn.ReLU()]).extend(3)",
]


def run(code, library):
    from collections import OrderedDict
    scope = {"nn": library.nn, "OrderedDict": OrderedDict}
    exec(code, scope)
    return scope


@pytest.mark.parametrize("code", CASES)
def test_container_edits_equal_torch(code):
    ours, theirs = run(code, minigrad)["s"], run(code, torch)["s"]
    assert children(ours) == children(theirs)
    assert len(ours) == len(theirs) and [type(m).__name__ for m in ours] == [type(m).__name__ for m in theirs] \
        or isinstance(ours, minigrad.nn.ModuleDict)


@pytest.mark.parametrize("code", ERRORS)
def test_container_errors_equal_torch(code):
    raised = []
    for library in (minigrad, torch):
        with pytest.raises(Exception) as info:
            run(code, library)
        raised.append(type(info.value))
    assert raised[0] is raised[1]


def test_a_container_built_by_edits_trains_as_one():
    """The renumbered children are the same modules: a Sequential spliced by + and pop still runs and its
    state_dict names follow the new numbers, as PyTorch's."""
    for library in (minigrad, torch):
        nn = library.nn
        s = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Tanh()) + nn.Sequential(nn.Linear(4, 2))
        s.pop(2)
        assert list(s.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]
        assert tuple(s(library.ones(5, 3)).shape) == (5, 2)


def test_shared_children_listed_once_unless_asked():
    names = []
    for library in (minigrad, torch):
        s = library.nn.Sequential(library.nn.ReLU(), library.nn.Tanh()) * 2
        names.append(([n for n, _ in s.named_children()], [n for n, _ in s.named_modules()],
                      [n for n, _ in s.named_modules(remove_duplicate=False)]))
    assert names[0] == names[1] and len(names[0][2]) == 5
