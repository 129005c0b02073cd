"""``torch.utils._pytree``: nested tuples, lists, dicts (and namedtuples, OrderedDicts) of leaves, flattened to a
list of leaves and a ``TreeSpec`` that rebuilds the same structure; ``tree_map`` applies a function to every
leaf. None is a leaf, as in PyTorch's Python pytrees."""
from collections import OrderedDict, namedtuple

__all__ = ["TreeSpec", "LeafSpec", "tree_flatten", "tree_unflatten", "tree_leaves", "tree_structure", "tree_map",
           "tree_map_only", "tree_all", "tree_any"]


class TreeSpec:
    """A node's type, its context (dict keys, the namedtuple class) and its children's specs."""

    def __init__(self, kind, context, children):
        self.type, self.context, self.children_specs = kind, context, list(children)

    @property
    def num_leaves(self):
        return sum(child.num_leaves for child in self.children_specs)

    @property
    def num_children(self):
        return len(self.children_specs)

    def is_leaf(self):
        return False

    def __eq__(self, other):
        return (isinstance(other, TreeSpec) and not other.is_leaf() and self.type is other.type
                and self.context == other.context and self.children_specs == other.children_specs)

    def __repr__(self):
        return f"TreeSpec({self.type.__name__}, {self.context!r}, {self.children_specs!r})"


class LeafSpec(TreeSpec):
    """A leaf."""

    def __init__(self):
        super().__init__(None, None, [])

    @property
    def num_leaves(self):
        return 1

    def is_leaf(self):
        return True

    def __eq__(self, other):
        return isinstance(other, LeafSpec)

    def __repr__(self):
        return "*"


def _is_namedtuple(value):
    return isinstance(value, tuple) and hasattr(value, "_fields")


def _children(tree):
    """(type, context, children) of a node, or None for a leaf."""
    if _is_namedtuple(tree):
        return namedtuple, type(tree), list(tree)
    if isinstance(tree, (tuple, list)):
        return type(tree), None, list(tree)
    if isinstance(tree, OrderedDict):
        return OrderedDict, list(tree.keys()), list(tree.values())
    if isinstance(tree, dict):
        keys = list(tree.keys())
        return dict, keys, [tree[k] for k in keys]
    return None


def tree_flatten(tree, is_leaf=None):
    """(the leaves in order, the TreeSpec)."""
    node = None if is_leaf is not None and is_leaf(tree) else _children(tree)
    if node is None:
        return [tree], LeafSpec()
    kind, context, children = node
    leaves, specs = [], []
    for child in children:
        child_leaves, child_spec = tree_flatten(child, is_leaf)
        leaves += child_leaves
        specs.append(child_spec)
    return leaves, TreeSpec(kind, context, specs)


def tree_unflatten(leaves, treespec):
    """The tree of ``treespec``'s structure holding ``leaves``."""
    leaves = list(leaves)
    if len(leaves) != treespec.num_leaves:
        raise ValueError(f"treespec.unflatten(leaves): `leaves` has length {len(leaves)} but the spec refers to a "
                         f"pytree that holds {treespec.num_leaves} items ({treespec}).")
    return _build(iter(leaves), treespec)


def _build(leaves, spec):
    if spec.is_leaf():
        return next(leaves)
    children = [_build(leaves, child) for child in spec.children_specs]
    if spec.type is namedtuple:
        return spec.context(*children)
    if spec.type in (dict, OrderedDict):
        return spec.type(zip(spec.context, children))
    return spec.type(children)


def tree_leaves(tree, is_leaf=None):
    return tree_flatten(tree, is_leaf)[0]


def tree_structure(tree, is_leaf=None):
    return tree_flatten(tree, is_leaf)[1]


def tree_map(func, tree, *rests, is_leaf=None):
    """The tree with ``func`` applied to each leaf (with the matching leaves of ``rests``)."""
    leaves, spec = tree_flatten(tree, is_leaf)
    others = [spec_leaves for spec_leaves in (tree_flatten(r, is_leaf)[0] for r in rests)]
    return tree_unflatten([func(*values) for values in zip(leaves, *others)], spec)


def tree_map_only(type_or_types, func, tree, is_leaf=None):
    """``tree_map`` on the leaves of these types only (the others unchanged)."""
    return tree_map(lambda x: func(x) if isinstance(x, type_or_types) else x, tree, is_leaf=is_leaf)


def tree_all(pred, tree, is_leaf=None):
    return all(pred(leaf) for leaf in tree_leaves(tree, is_leaf))


def tree_any(pred, tree, is_leaf=None):
    return any(pred(leaf) for leaf in tree_leaves(tree, is_leaf))
