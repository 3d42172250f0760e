#!/usr/bin/env python3
"""Writes one generated hostile input: bench/hostile.py SHAPE N OUT_DIR.

The shapes grow one way each, so that time against N shows whether gate's work
grows with the input or faster (bench/scaling.sh):

  java-mb       a Java class of N MB of ordinary methods (numbers, ifs, loops, calls)
  todos         a Java file with N identical `// TODO` lines
  else-if       a Java method with an N-branch `else if` chain, a number in each
  nested-if     N `if` statements nested in each other's blocks
  ternary       N conditional expressions nested in each other's branches
  assignments   N chained assignments `s = s = … = s + x` in a loop
  sum           a Java sum of N magic numbers, one a line
  java-line     a Java array of N magic numbers on one line
  rust-generics a Rust type N generic levels deep: `Vec<Vec<…>>`
  rust-refs     a Rust expression of N `&` and `!` prefixes
  rust-binary   a Rust expression `1 + 1 + …` of N terms
  rust-methods  a Rust method chain `a.b().b()…` of N links
"""
import os
import sys


def java_mb(n):
    method = """
    int m{i}(int a, String s) {{
        int total = a * {i} + 42;
        if (a > 17 && s != null) {{
            for (int j = 0; j < 1000; j++) {{
                total += j % 7 == 3 ? s.length() : 13;
            }}
        }} else if (s == "x") {{
            total = Math.max(total, 255);
        }}
        return total;
    }}
"""
    body, size, i = [], 0, 0
    while size < n * 1_000_000:
        chunk = method.format(i=i)
        body.append(chunk)
        size += len(chunk)
        i += 1
    return "class Big {" + "".join(body) + "}\n"


def todos(n):
    return "class Todo {\n" + "    // TODO fix this\n" * n + "}\n"


def else_if(n):
    chain = "\n else ".join("if (a == %d) { b = %d; }" % (i + 3, i + 3) for i in range(n))
    return "class E { int b; void f(int a) { " + chain + " } }\n"


def nested_if(n):
    ifs = "if (a) {\n" * n + "g();" + "}\n" * n
    return "class N { void f(boolean a) { " + ifs + " } void g() {} }\n"


def ternary(n):
    return "class T { int f(boolean a) { return " + "a ? 1 :\n" * n + "0; } }\n"


def assignments(n):
    chain = "s =\n" * n + "s + x;"
    return "class A { void f(String s, String x) { while (true) { " + chain + " } } }\n"


def sum_(n):
    return "class S { int f(int a) { return a" + "\n + 3" * n + "; } }\n"


def java_line(n):
    return "class L { int[] a = { " + "3, " * n + "}; }\n"


def rust_generics(n):
    return f"type T = {'Vec<' * n}u8{'>' * n};\nfn main() {{}}\n"


def rust_refs(n):
    return f"fn f() {{ let x = {'&!' * (n // 2)}true; }}\n"


def rust_binary(n):
    return f"fn f() -> u32 {{ {' + '.join(['1'] * n)} }}\n"


def rust_methods(n):
    return f"fn f() {{ a{'.b()' * n}; }}\n"


SHAPES = {
    "java-mb": ("Big.java", java_mb),
    "todos": ("Todo.java", todos),
    "else-if": ("E.java", else_if),
    "nested-if": ("N.java", nested_if),
    "ternary": ("T.java", ternary),
    "assignments": ("A.java", assignments),
    "sum": ("S.java", sum_),
    "java-line": ("L.java", java_line),
    "rust-generics": ("lib.rs", rust_generics),
    "rust-refs": ("lib.rs", rust_refs),
    "rust-binary": ("lib.rs", rust_binary),
    "rust-methods": ("lib.rs", rust_methods),
}

if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in SHAPES:
        sys.exit(__doc__)
    name, make = SHAPES[sys.argv[1]]
    os.makedirs(sys.argv[3], exist_ok=True)
    with open(os.path.join(sys.argv[3], name), "w") as out:
        out.write(make(int(sys.argv[2])))
