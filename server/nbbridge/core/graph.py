"""The step graph: topological order with ties broken by notebook order, cycles, reachability.

Nodes are step positions in notebook order (0..n-1); ``edges[i]`` holds the successors of i.
"""

from __future__ import annotations

import heapq

__all__ = ["find_cycles", "reachability", "topological_order"]


def topological_order(count: int, edges: list[set[int]]) -> tuple[list[int], list[int]]:
    """``(order, left_over)``: Kahn's algorithm, always taking the earliest ready step.

    ``left_over`` lists (in notebook order) the steps on or behind a cycle; callers append them
    so the order stays a permutation of all steps.
    """
    indegree = [0] * count
    for successors in edges:
        for target in successors:
            indegree[target] += 1
    ready = [i for i in range(count) if indegree[i] == 0]
    heapq.heapify(ready)
    order: list[int] = []
    while ready:
        node = heapq.heappop(ready)
        order.append(node)
        for target in edges[node]:
            indegree[target] -= 1
            if indegree[target] == 0:
                heapq.heappush(ready, target)
    placed = set(order)
    return order, [i for i in range(count) if i not in placed]


def find_cycles(count: int, edges: list[set[int]]) -> list[list[int]]:
    """One cycle (as a node path, first node repeated at the end) per strongly connected part."""
    components = _strongly_connected(count, edges)
    cycles: list[list[int]] = []
    for component in components:
        members = set(component)
        start = min(component)
        if len(component) == 1 and start not in edges[start]:
            continue
        cycles.append(_cycle_through(start, members, edges))
    cycles.sort(key=lambda cycle: cycle[0])
    return cycles


def reachability(order: list[int], edges: list[set[int]]) -> list[int]:
    """Bit sets: bit j of ``result[i]`` is set when j is reachable from i (acyclic order)."""
    reach = [0] * len(edges)
    for node in reversed(order):
        bits = 0
        for target in edges[node]:
            bits |= reach[target] | (1 << target)
        reach[node] = bits
    return reach


def _strongly_connected(count: int, edges: list[set[int]]) -> list[list[int]]:
    """Tarjan's algorithm, iterative (no recursion limit on long chains)."""
    index_of: dict[int, int] = {}
    low: dict[int, int] = {}
    stack: list[int] = []
    on_stack: set[int] = set()
    components: list[list[int]] = []
    counter = 0
    for root in range(count):
        if root in index_of:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index_of[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            advanced = False
            for target in successors:
                if target not in index_of:
                    index_of[target] = low[target] = counter
                    counter += 1
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(edges[target]))))
                    advanced = True
                    break
                if target in on_stack:
                    low[node] = min(low[node], index_of[target])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index_of[node]:
                component: list[int] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
    return components


def _cycle_through(start: int, members: set[int], edges: list[set[int]]) -> list[int]:
    """A shortest path start → ... → start inside one strongly connected part (BFS)."""
    previous: dict[int, int] = {}
    frontier = [start]
    while frontier:
        following: list[int] = []
        for node in frontier:
            for target in sorted(edges[node]):
                if target not in members:
                    continue
                if target == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return [*reversed(path), start]
                if target not in previous:
                    previous[target] = node
                    following.append(target)
        frontier = following
    return [start, start]
