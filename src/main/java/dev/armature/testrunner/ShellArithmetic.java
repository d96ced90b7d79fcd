package dev.armature.testrunner;

import java.util.Map;

/**
 * Evaluates the shell arithmetic unittests.cfg uses for {@code smp}, such as
 * {@code $(($MAX_SMP>4?4:$MAX_SMP))}: integers, variables ({@code $NAME} or {@code NAME}), parentheses,
 * {@code * / % + - < <= > >= == != && || ?:}.
 */
public final class ShellArithmetic {
    private final String src;
    private final Map<String, Long> vars;
    private int pos;

    private ShellArithmetic(String src, Map<String, Long> vars) {
        this.src = src;
        this.vars = vars;
    }

    /** Evaluates a value that is a plain number, {@code $((expr))}, or {@code $VAR}. */
    public static long evaluate(String value, Map<String, Long> vars) {
        String s = value.trim();
        if (s.startsWith("$((") && s.endsWith("))")) {
            s = s.substring(3, s.length() - 2);
        }
        ShellArithmetic p = new ShellArithmetic(s, vars);
        long v = p.ternary();
        p.skipSpace();
        if (p.pos != s.length()) {
            throw p.error("unexpected '" + s.substring(p.pos) + "'");
        }
        return v;
    }

    private long ternary() {
        long c = binary(0);
        skipSpace();
        if (eat("?")) {
            long a = ternary();
            skipSpace();
            if (!eat(":")) {
                throw error("expected ':'");
            }
            long b = ternary();
            return c != 0 ? a : b;
        }
        return c;
    }

    private static final String[][] LEVELS = {
        {"||"}, {"&&"}, {"==", "!="}, {"<=", ">=", "<", ">"}, {"+", "-"}, {"*", "/", "%"}};

    private long binary(int level) {
        if (level == LEVELS.length) {
            return unary();
        }
        long left = binary(level + 1);
        while (true) {
            skipSpace();
            String op = null;
            for (String o : LEVELS[level]) {
                if (src.startsWith(o, pos)) {
                    op = o;
                    break;
                }
            }
            if (op == null) {
                return left;
            }
            pos += op.length();
            long right = binary(level + 1);
            left = apply(op, left, right);
        }
    }

    private long apply(String op, long a, long b) {
        return switch (op) {
            case "||" -> (a != 0 || b != 0) ? 1 : 0;
            case "&&" -> (a != 0 && b != 0) ? 1 : 0;
            case "==" -> a == b ? 1 : 0;
            case "!=" -> a != b ? 1 : 0;
            case "<=" -> a <= b ? 1 : 0;
            case ">=" -> a >= b ? 1 : 0;
            case "<" -> a < b ? 1 : 0;
            case ">" -> a > b ? 1 : 0;
            case "+" -> a + b;
            case "-" -> a - b;
            case "*" -> a * b;
            case "/", "%" -> {
                if (b == 0) {
                    throw error("division by zero");
                }
                yield op.equals("/") ? a / b : a % b;
            }
            default -> throw error("operator " + op);
        };
    }

    private long unary() {
        skipSpace();
        if (eat("-")) {
            return -unary();
        }
        if (eat("!")) {
            return unary() == 0 ? 1 : 0;
        }
        if (eat("(")) {
            long v = ternary();
            skipSpace();
            if (!eat(")")) {
                throw error("expected ')'");
            }
            return v;
        }
        int start = pos;
        if (pos < src.length() && Character.isDigit(src.charAt(pos))) {
            while (pos < src.length() && Character.isDigit(src.charAt(pos))) {
                pos++;
            }
            return Long.parseLong(src.substring(start, pos));
        }
        eat("$");
        int nameStart = pos;
        while (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
            pos++;
        }
        if (pos == nameStart) {
            throw error("expected a number or variable");
        }
        String name = src.substring(nameStart, pos);
        Long v = vars.get(name);
        if (v == null) {
            throw error("unknown variable $" + name);
        }
        return v;
    }

    private boolean eat(String s) {
        if (src.startsWith(s, pos)) {
            pos += s.length();
            return true;
        }
        return false;
    }

    private void skipSpace() {
        while (pos < src.length() && Character.isWhitespace(src.charAt(pos))) {
            pos++;
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("shell arithmetic '" + src + "': " + what + " at column " + (pos + 1));
    }
}
