"""``torch.einsum``, built from permute, reshape, sum and batched matmul, so its gradient is theirs.

Operands are contracted left to right. For each pair, a letter is a batch letter when both operands and a later
operand or the output hold it, a contracted letter when both hold it and nothing later does; the pair becomes one
batched matrix product (batch, kept letters of the left, contracted) @ (batch, contracted, kept letters of the
right). A letter that only one operand holds and nothing later needs is summed out first. An ellipsis stands for
the same broadcast dims in every operand and, with an implicit output, comes first in it. A letter repeated within
one operand takes that operand's diagonal first."""
import string

import numpy as np

__all__ = ["einsum"]


def _parse(equation, operands):
    """The subscripts of each operand and of the output, as strings of letters, the ellipsis made explicit."""
    equation = equation.replace(" ", "")
    inputs, arrow, output = equation.partition("->")
    terms = inputs.split(",")
    if len(terms) != len(operands):
        raise ValueError(f"einsum(): {len(terms)} subscripts in the equation for {len(operands)} operands")
    spare = [c for c in string.ascii_uppercase + string.ascii_lowercase if c not in equation]
    widest = max((x.ndim - len(t.replace("...", "")) for t, x in zip(terms, operands) if "..." in t), default=0)
    ellipsis = "".join(spare[:widest])
    explicit = []
    for term, x in zip(terms, operands):
        if "..." in term:
            term = term.replace("...", ellipsis[widest - (x.ndim - len(term.replace("...", ""))):])
        if len(term) != x.ndim or not term.isalpha():
            raise ValueError(f"einsum(): the subscript {term!r} does not fit an operand of {x.ndim} dims")
        explicit.append(term)
    if arrow:
        output = output.replace("...", ellipsis)
    else:
        counts = {c: "".join(explicit).count(c) for c in set("".join(explicit))}
        output = ellipsis + "".join(sorted(c for c, n in counts.items() if n == 1 and c not in ellipsis))
    return explicit, output


def _diagonals(x, term):
    """An operand whose term repeats a letter ("ii", "bii"...) reduced to its diagonal along those dims, the letter
    then once, last."""
    from .linalg import diagonal
    for letter in term:
        while term.count(letter) > 1:
            first = term.index(letter)
            second = term.index(letter, first + 1)
            if x.shape[first] != x.shape[second]:
                raise RuntimeError(f"einsum(): subscript {letter} is repeated for an operand but the sizes don't "
                                   f"match, {x.shape[second]} != {x.shape[first]}")
            x = diagonal(x, 0, first, second)
            term = "".join(c for k, c in enumerate(term) if k not in (first, second)) + letter
    return x, term


def _sum_out(x, term, keep):
    """Sum the letters of ``term`` that are not in ``keep``."""
    drop = tuple(i for i, c in enumerate(term) if c not in keep)
    if drop:
        x = x.sum(drop)
        term = "".join(c for c in term if c in keep)
    return x, term


def _broadcast_sizes(pairs):
    sizes = {}
    for x, term in pairs:
        for c, n in zip(term, x.shape):
            if sizes.get(c, 1) not in (1, n) and n != 1:
                raise RuntimeError(f"einsum(): operands do not broadcast along subscript {c!r}")
            sizes[c] = max(sizes.get(c, 1), n)
    return sizes


def _arrange(x, term, order, sizes):
    """x's dims in the letters' ``order``, each broadcast to its size."""
    if not order:
        return x
    if list(term) != order:
        x = x.permute(*[term.index(c) for c in order])
    return x.expand(*[sizes[c] for c in order])


def _contract(a, a_term, b, b_term, needed):
    """The product of two operands summed over their shared letters that are not ``needed``."""
    a, a_term = _sum_out(a, a_term, set(b_term) | needed)
    b, b_term = _sum_out(b, b_term, set(a_term) | needed)
    sizes = _broadcast_sizes([(a, a_term), (b, b_term)])
    batch = [c for c in a_term if c in b_term and c in needed]
    summed = [c for c in a_term if c in b_term and c not in needed]
    left = [c for c in a_term if c not in b_term]
    right = [c for c in b_term if c not in a_term]
    a, b = _arrange(a, a_term, batch + left + summed, sizes), _arrange(b, b_term, batch + summed + right, sizes)
    count = lambda letters: int(np.prod([sizes[c] for c in letters], dtype=np.int64))  # noqa: E731
    out = a.reshape(count(batch), count(left), count(summed)) @ b.reshape(count(batch), count(summed), count(right))
    return out.reshape(*[sizes[c] for c in batch + left + right]), "".join(batch + left + right)


def einsum(equation, *operands):
    """``torch.einsum(equation, *operands)``: sums of products over the letters of ``equation``
    ("ij,jk->ik", "bij,bjk->bik", "...i,i->...", an implicit output...)."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    terms, output = _parse(equation, operands)
    reduced = [_diagonals(x, t) for x, t in zip(operands, terms)]
    operands, terms = [x for x, _ in reduced], [t for _, t in reduced]
    x, term = operands[0], terms[0]
    for i in range(1, len(operands)):
        needed = set(output).union(*terms[i + 1:])
        x, term = _contract(x, term, operands[i], terms[i], needed)
    x, term = _sum_out(x, term, set(output))
    if sorted(term) != sorted(output):
        raise ValueError(f"einsum(): output subscript {output!r} names a letter that no operand has")
    return x.permute(*[term.index(c) for c in output]) if term != output else x
