package io.secpipe.streams.cloudtrail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * An EventBridge event pattern, compiled once and matched against events (JSON trees). Supported, as
 * EventBridge documents them: nested objects; arrays of alternatives; exact strings, numbers, booleans and
 * null; {@code prefix}, {@code suffix} (each also with {@code equals-ignore-case}); {@code anything-but}
 * (values, or {@code prefix}/{@code suffix}/{@code equals-ignore-case}/{@code wildcard}); {@code numeric}
 * ranges; {@code exists}; {@code equals-ignore-case}; {@code wildcard}; {@code cidr}; and {@code $or}.
 * An event field that is an array matches when one of its elements does. A field the event lacks matches
 * only {@code exists: false}. A pattern this class does not understand is refused when compiled.
 */
public final class EventPattern {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Tests one event value; {@code null} means the field is absent. */
    private interface Leaf {
        boolean test(JsonNode value);
    }

    private final ObjectRule root;

    private EventPattern(ObjectRule root) {
        this.root = root;
    }

    public static EventPattern compile(String json) {
        JsonNode tree;
        try {
            tree = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event pattern is not JSON: " + e.getOriginalMessage(), e);
        }
        if (tree == null || !tree.isObject()) {
            throw new IllegalArgumentException("an event pattern is a JSON object");
        }
        return new EventPattern(objectRule(tree, ""));
    }

    public boolean matches(JsonNode event) {
        return root.test(event);
    }

    /** All fields must match, and each {@code $or} must have one alternative that does. */
    private record ObjectRule(List<Map.Entry<String, Predicate<JsonNode>>> fields, List<List<ObjectRule>> ors) {
        boolean test(JsonNode node) {
            for (Map.Entry<String, Predicate<JsonNode>> field : fields) {
                JsonNode value = node == null || !node.isObject() ? null : node.get(field.getKey());
                if (!field.getValue().test(value)) {
                    return false;
                }
            }
            for (List<ObjectRule> alternatives : ors) {
                if (alternatives.stream().noneMatch(rule -> rule.test(node))) {
                    return false;
                }
            }
            return true;
        }
    }

    private static ObjectRule objectRule(JsonNode pattern, String path) {
        List<Map.Entry<String, Predicate<JsonNode>>> fields = new ArrayList<>();
        List<List<ObjectRule>> ors = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = pattern.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            JsonNode value = e.getValue();
            String where = path.isEmpty() ? name : path + "." + name;
            if (name.equals("$or")) {
                if (!value.isArray() || value.size() < 2) {
                    throw new IllegalArgumentException(where + ": $or takes an array of at least two patterns");
                }
                List<ObjectRule> alternatives = new ArrayList<>();
                value.forEach(alt -> {
                    if (!alt.isObject()) {
                        throw new IllegalArgumentException(where + ": each $or alternative is an object");
                    }
                    alternatives.add(objectRule(alt, path));
                });
                ors.add(alternatives);
            } else if (value.isObject()) {
                ObjectRule nested = objectRule(value, where);
                fields.add(Map.entry(name, nested::test));
            } else if (value.isArray()) {
                List<Leaf> leaves = new ArrayList<>();
                value.forEach(v -> leaves.add(leaf(v, where)));
                if (leaves.isEmpty()) {
                    throw new IllegalArgumentException(where + ": an empty array matches nothing");
                }
                fields.add(Map.entry(name, v -> leaves.stream().anyMatch(l -> l.test(v))));
            } else {
                throw new IllegalArgumentException(where + ": a pattern's values are arrays or objects, found " + value);
            }
        }
        return new ObjectRule(fields, ors);
    }

    private static Leaf leaf(JsonNode spec, String where) {
        if (!spec.isObject()) {
            return anyElement(scalar -> exact(spec, scalar));
        }
        if (spec.size() != 1) {
            throw new IllegalArgumentException(where + ": a content filter has one operator: " + spec);
        }
        Map.Entry<String, JsonNode> op = spec.fields().next();
        JsonNode arg = op.getValue();
        switch (op.getKey()) {
            case "exists":
                if (!arg.isBoolean()) {
                    throw new IllegalArgumentException(where + ": exists takes true or false");
                }
                boolean wanted = arg.booleanValue();
                return value -> (value != null && !value.isObject()) == wanted;
            case "anything-but":
                Predicate<JsonNode> excluded = anythingBut(arg, where);
                return anyElement(scalar -> !excluded.test(scalar));
            default:
                Predicate<JsonNode> test = stringOrNumberOperator(op.getKey(), arg, where);
                return anyElement(test);
        }
    }

    /** The operators valid both on their own and inside anything-but. */
    private static Predicate<JsonNode> stringOrNumberOperator(String op, JsonNode arg, String where) {
        switch (op) {
            case "prefix":
            case "suffix": {
                boolean prefix = op.equals("prefix");
                boolean ignoreCase = false;
                JsonNode text = arg;
                if (arg.isObject() && arg.has("equals-ignore-case") && arg.size() == 1) {
                    ignoreCase = true;
                    text = arg.get("equals-ignore-case");
                }
                String s = requireText(text, where, op);
                boolean ic = ignoreCase;
                return v -> v.isTextual() && (prefix
                        ? v.textValue().regionMatches(ic, 0, s, 0, s.length())
                        : v.textValue().regionMatches(ic, v.textValue().length() - s.length(), s, 0, s.length()));
            }
            case "equals-ignore-case": {
                String s = requireText(arg, where, op);
                return v -> v.isTextual() && v.textValue().equalsIgnoreCase(s);
            }
            case "wildcard": {
                String s = requireText(arg, where, op);
                return v -> v.isTextual() && wildcard(s, v.textValue());
            }
            case "numeric":
                return numeric(arg, where);
            case "cidr":
                return cidr(requireText(arg, where, op), where);
            default:
                throw new IllegalArgumentException(where + ": unknown content filter '" + op + "'");
        }
    }

    private static Predicate<JsonNode> anythingBut(JsonNode arg, String where) {
        if (arg.isArray()) {
            List<JsonNode> values = new ArrayList<>();
            arg.forEach(values::add);
            return v -> values.stream().anyMatch(x -> exact(x, v));
        }
        if (arg.isObject()) {
            if (arg.size() != 1) {
                throw new IllegalArgumentException(where + ": anything-but takes one operator: " + arg);
            }
            Map.Entry<String, JsonNode> op = arg.fields().next();
            if (op.getKey().equals("equals-ignore-case") && op.getValue().isArray()) {
                List<String> values = new ArrayList<>();
                op.getValue().forEach(x -> values.add(requireText(x, where, "equals-ignore-case")));
                return v -> v.isTextual() && values.stream().anyMatch(x -> x.equalsIgnoreCase(v.textValue()));
            }
            if (op.getValue().isArray() && (op.getKey().equals("prefix") || op.getKey().equals("suffix")
                    || op.getKey().equals("wildcard"))) {
                List<Predicate<JsonNode>> any = new ArrayList<>();
                op.getValue().forEach(x -> any.add(stringOrNumberOperator(op.getKey(), x, where)));
                return v -> any.stream().anyMatch(p -> p.test(v));
            }
            return stringOrNumberOperator(op.getKey(), op.getValue(), where);
        }
        return v -> exact(arg, v);
    }

    /** Operators with pairs: [">", 0, "<=", 5]; "=" too. Numbers only match JSON numbers, as in EventBridge. */
    private static Predicate<JsonNode> numeric(JsonNode arg, String where) {
        if (!arg.isArray() || arg.size() == 0 || arg.size() % 2 != 0) {
            throw new IllegalArgumentException(where + ": numeric takes operator/number pairs: " + arg);
        }
        List<Predicate<BigDecimal>> checks = new ArrayList<>();
        for (int i = 0; i < arg.size(); i += 2) {
            String op = arg.get(i).asText();
            JsonNode bound = arg.get(i + 1);
            if (!bound.isNumber()) {
                throw new IllegalArgumentException(where + ": numeric bound is not a number: " + bound);
            }
            BigDecimal b = bound.decimalValue();
            checks.add(switch (op) {
                case "=" -> x -> x.compareTo(b) == 0;
                case "<" -> x -> x.compareTo(b) < 0;
                case "<=" -> x -> x.compareTo(b) <= 0;
                case ">" -> x -> x.compareTo(b) > 0;
                case ">=" -> x -> x.compareTo(b) >= 0;
                default -> throw new IllegalArgumentException(where + ": unknown numeric operator '" + op + "'");
            });
        }
        return v -> v.isNumber() && checks.stream().allMatch(c -> c.test(v.decimalValue()));
    }

    private static Predicate<JsonNode> cidr(String block, String where) {
        int slash = block.indexOf('/');
        byte[] network = slash > 0 ? address(block.substring(0, slash)) : null;
        if (network == null) {
            throw new IllegalArgumentException(where + ": not a CIDR block: " + block);
        }
        int bits = Integer.parseInt(block.substring(slash + 1));
        if (bits < 0 || bits > network.length * 8) {
            throw new IllegalArgumentException(where + ": bad prefix length: " + block);
        }
        return v -> {
            byte[] a = v.isTextual() ? address(v.textValue()) : null;
            if (a == null || a.length != network.length) {
                return false;
            }
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >>> (i % 8);
                if ((a[i / 8] & mask) != (network[i / 8] & mask)) {
                    return false;
                }
            }
            return true;
        };
    }

    /** The bytes of an IP literal, or null; checked for IP characters first so no name is ever resolved. */
    private static byte[] address(String s) {
        if (s.isEmpty() || s.length() > 45 || !s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')
                || s.indexOf(':') < 0 && s.chars().filter(c -> c == '.').count() != 3) {
            return null;
        }
        try {
            return InetAddress.getByName(s).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** An array value matches when one of its elements does; objects never match a leaf. */
    private static Leaf anyElement(Predicate<JsonNode> scalar) {
        return value -> {
            if (value == null || value.isObject()) {
                return false;
            }
            if (value.isArray()) {
                for (JsonNode element : value) {
                    if (!element.isContainerNode() && scalar.test(element)) {
                        return true;
                    }
                }
                return false;
            }
            return scalar.test(value);
        };
    }

    private static boolean exact(JsonNode pattern, JsonNode value) {
        if (pattern.isNumber()) {
            return value.isNumber() && pattern.decimalValue().compareTo(value.decimalValue()) == 0;
        }
        if (pattern.isTextual()) {
            return value.isTextual() && pattern.textValue().equals(value.textValue());
        }
        if (pattern.isBoolean()) {
            return value.isBoolean() && pattern.booleanValue() == value.booleanValue();
        }
        if (pattern.isNull()) {
            return value.isNull();
        }
        throw new IllegalArgumentException("not a value to match exactly: " + pattern);
    }

    /** '*' matches any run of characters; "\*" is a literal star. Iterative, with one backtrack point. */
    static boolean wildcard(String pattern, String text) {
        List<String> tokens = new ArrayList<>(); // literal runs; null marks a star
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\' && i + 1 < pattern.length() && pattern.charAt(i + 1) == '*') {
                literal.append('*');
                i++;
            } else if (c == '*') {
                tokens.add(literal.toString());
                tokens.add(null);
                literal.setLength(0);
            } else {
                literal.append(c);
            }
        }
        tokens.add(literal.toString());
        // first literal anchors the start, last anchors the end, the middle ones are found in order
        String first = tokens.get(0);
        String last = tokens.get(tokens.size() - 1);
        if (tokens.size() == 1) {
            return text.equals(first);
        }
        if (!text.startsWith(first) || text.length() < first.length() + last.length() || !text.endsWith(last)) {
            return false;
        }
        int at = first.length();
        int end = text.length() - last.length();
        for (int i = 1; i < tokens.size() - 1; i++) {
            String t = tokens.get(i);
            if (t == null || t.isEmpty()) {
                continue;
            }
            int found = text.indexOf(t, at);
            if (found < 0 || found + t.length() > end) {
                return false;
            }
            at = found + t.length();
        }
        return true;
    }

    private static String requireText(JsonNode n, String where, String op) {
        if (n == null || !n.isTextual()) {
            throw new IllegalArgumentException(where + ": " + op + " takes a string, found " + n);
        }
        return n.textValue();
    }
}
