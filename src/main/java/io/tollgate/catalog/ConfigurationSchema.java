package io.tollgate.catalog;

import io.tollgate.platform.ApiException.FieldProblem;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Seed 001's {@code configuration_schema}: a map of setting name → field, each
 * {@code {"type": "select", "options": [...]}}, {@code {"type": "object", "properties": {...}}} or
 * {@code {"type": "string"|"number"|"integer"|"boolean"}}, with optional {@code default}, {@code required},
 * {@code min}/{@code max} (numbers), {@code pattern}/{@code max_length} (strings), and {@code label}/
 * {@code description} for the form. Not JSON Schema, so it has this small checker of its own.
 *
 * <p>Pure functions: {@link #parse} refuses a malformed schema (every problem, by path, so the operator
 * sees them all at once); {@link #apply} checks a configuration against it, fills the defaults and names
 * one problem per bad setting by its dotted path ({@code style_customization.button_color}).
 */
public final class ConfigurationSchema {
    /** How deep objects may nest, and how many fields a schema may have in all: a form a person fills in. */
    static final int MAX_DEPTH = 4;
    static final int MAX_FIELDS = 200;
    static final int MAX_OPTIONS = 100;
    /** A string setting is at most this long even without max_length; also the largest max_length. */
    static final int MAX_STRING_LENGTH = 10_000;
    /** Steps a pattern may take on one value before the value is refused: an operator's regex must not hang a request. */
    static final long MAX_PATTERN_STEPS = 1_000_000;
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");
    private static final Set<String> TYPES = Set.of("select", "object", "string", "number", "integer", "boolean");
    private static final Set<String> COMMON_KEYS = Set.of("type", "default", "required", "label", "description");

    /** One setting. Exactly the attributes its type allows are set; the rest are null. */
    record Field(String name, String type, Object defaultValue, boolean required, String label, String description,
                 List<Object> options, Map<String, Field> properties, BigDecimal min, BigDecimal max,
                 Pattern pattern, Integer maxLength) {}

    /** A configuration checked against the schema: the defaults filled in, or what is wrong with it. */
    public record Result(Map<String, Object> configuration, List<FieldProblem> problems) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    private final Map<String, Field> fields;

    private ConfigurationSchema(Map<String, Field> fields) {
        this.fields = fields;
    }

    Map<String, Field> fields() {
        return fields;
    }

    /** Parses a schema; problems are added to {@code problems} under {@code root} (e.g. "configuration_schema"). */
    public static ConfigurationSchema parse(Map<String, Object> schema, String root, List<FieldProblem> problems) {
        int before = problems.size();
        int[] count = {0};
        Map<String, Field> parsed = parseFields(schema == null ? Map.of() : schema, root, 1, problems, count);
        if (count[0] > MAX_FIELDS) problems.add(new FieldProblem(root, "has " + count[0] + " fields; at most " + MAX_FIELDS));
        return problems.size() == before ? new ConfigurationSchema(parsed) : null;
    }

    private static Map<String, Field> parseFields(Map<String, Object> schema, String path, int depth, List<FieldProblem> problems, int[] count) {
        Map<String, Field> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : schema.entrySet()) {
            String name = e.getKey();
            String at = path + "." + name;
            count[0]++;
            if (!NAME.matcher(name).matches()) {
                problems.add(new FieldProblem(at, "a setting name is 1-64 lower-case letters, digits and _, starting with a letter"));
                continue;
            }
            if (!(e.getValue() instanceof Map<?, ?> spec)) {
                problems.add(new FieldProblem(at, "must be an object such as {\"type\": \"string\"}"));
                continue;
            }
            Field field = parseField(name, asStringMap(spec), at, depth, problems, count);
            if (field != null) out.put(name, field);
        }
        return out;
    }

    private static Field parseField(String name, Map<String, Object> spec, String at, int depth, List<FieldProblem> problems, int[] count) {
        if (!(spec.get("type") instanceof String type) || !TYPES.contains(type)) {
            problems.add(new FieldProblem(at + ".type", "must be one of select, object, string, number, integer, boolean"));
            return null;
        }
        int before = problems.size();
        Set<String> allowed = new HashSet<>(COMMON_KEYS);
        switch (type) {
            case "select" -> allowed.add("options");
            case "object" -> allowed.add("properties");
            case "string" -> allowed.addAll(List.of("pattern", "max_length"));
            case "number", "integer" -> allowed.addAll(List.of("min", "max"));
            default -> { }
        }
        for (String key : spec.keySet()) {
            if (!allowed.contains(key)) problems.add(new FieldProblem(at + "." + key, "is not an attribute of a " + type + " field"));
        }
        Object required = spec.get("required");
        if (required != null && !(required instanceof Boolean)) problems.add(new FieldProblem(at + ".required", "must be true or false"));
        String label = text(spec, "label", at, 200, problems);
        String description = text(spec, "description", at, 1000, problems);

        List<Object> options = null;
        Map<String, Field> properties = null;
        BigDecimal min = null;
        BigDecimal max = null;
        Pattern pattern = null;
        Integer maxLength = null;
        switch (type) {
            case "select" -> options = options(spec.get("options"), at + ".options", problems);
            case "object" -> {
                if (depth >= MAX_DEPTH) {
                    problems.add(new FieldProblem(at, "objects nest at most " + MAX_DEPTH + " deep"));
                } else if (!(spec.get("properties") instanceof Map<?, ?> props) || props.isEmpty()) {
                    problems.add(new FieldProblem(at + ".properties", "must be a non-empty object of fields"));
                } else {
                    properties = parseFields(asStringMap(props), at + ".properties", depth + 1, problems, count);
                }
                if (spec.containsKey("default")) problems.add(new FieldProblem(at + ".default", "an object takes its defaults from its properties"));
            }
            case "string" -> {
                if (spec.containsKey("max_length")) {
                    Long length = whole(spec.get("max_length"));
                    if (length == null || length < 1 || length > MAX_STRING_LENGTH) {
                        problems.add(new FieldProblem(at + ".max_length", "must be a whole number from 1 to " + MAX_STRING_LENGTH));
                    } else {
                        maxLength = length.intValue();
                    }
                }
                if (spec.containsKey("pattern")) {
                    if (!(spec.get("pattern") instanceof String regex) || regex.isEmpty() || regex.length() > 500) {
                        problems.add(new FieldProblem(at + ".pattern", "must be a regular expression of 1-500 characters"));
                    } else {
                        try {
                            pattern = Pattern.compile(regex);
                        } catch (PatternSyntaxException ex) {
                            problems.add(new FieldProblem(at + ".pattern", "is not a valid regular expression: " + ex.getDescription()));
                        }
                    }
                }
            }
            case "number", "integer" -> {
                min = bound(spec, "min", type, at, problems);
                max = bound(spec, "max", type, at, problems);
                if (min != null && max != null && min.compareTo(max) > 0) problems.add(new FieldProblem(at + ".max", "must not be below min"));
            }
            default -> { }
        }
        if (problems.size() > before) return null;
        Field field = new Field(name, type, null, Boolean.TRUE.equals(required), label, description, options, properties, min, max, pattern, maxLength);
        if (spec.containsKey("default") && !"object".equals(type)) {
            Object value = spec.get("default");
            List<FieldProblem> bad = new ArrayList<>();
            checkValue(field, value, at + ".default", bad);
            if (value == null) bad.add(new FieldProblem(at + ".default", "must not be null; leave it out for no default"));
            if (!bad.isEmpty()) {
                problems.add(new FieldProblem(at + ".default", "does not fit the field: " + bad.getFirst().message()));
                return null;
            }
            field = new Field(name, type, value, field.required(), label, description, options, properties, min, max, pattern, maxLength);
        }
        return field;
    }

    private static String text(Map<String, Object> spec, String key, String at, int maxLength, List<FieldProblem> problems) {
        Object value = spec.get(key);
        if (value == null) return null;
        if (!(value instanceof String s) || s.length() > maxLength) {
            problems.add(new FieldProblem(at + "." + key, "must be text of at most " + maxLength + " characters"));
            return null;
        }
        return s;
    }

    private static List<Object> options(Object raw, String at, List<FieldProblem> problems) {
        if (!(raw instanceof List<?> list) || list.isEmpty() || list.size() > MAX_OPTIONS) {
            problems.add(new FieldProblem(at, "must be a list of 1-" + MAX_OPTIONS + " values"));
            return null;
        }
        Set<Object> seen = new HashSet<>();
        for (Object option : list) {
            boolean scalar = option instanceof String s ? s.length() <= 200 : option instanceof Boolean || whole(option) != null;
            if (!scalar) {
                problems.add(new FieldProblem(at, "options are text (up to 200 characters), whole numbers or true/false"));
                return null;
            }
            if (!seen.add(normalizeOption(option))) {
                problems.add(new FieldProblem(at, "lists " + option + " twice"));
                return null;
            }
        }
        return List.copyOf(list);
    }

    private static BigDecimal bound(Map<String, Object> spec, String key, String type, String at, List<FieldProblem> problems) {
        if (!spec.containsKey(key)) return null;
        BigDecimal value = decimal(spec.get(key));
        if (value == null || ("integer".equals(type) && whole(spec.get(key)) == null)) {
            problems.add(new FieldProblem(at + "." + key, "must be " + ("integer".equals(type) ? "a whole number" : "a number")));
            return null;
        }
        return value;
    }

    /** Checks and completes a configuration: defaults filled in, one problem per bad setting. */
    public Result apply(Map<String, Object> configuration) {
        List<FieldProblem> problems = new ArrayList<>();
        Map<String, Object> filled = applyFields(fields, configuration == null ? Map.of() : configuration, "", problems);
        return new Result(problems.isEmpty() ? filled : null, List.copyOf(problems));
    }

    private static Map<String, Object> applyFields(Map<String, Field> fields, Map<String, Object> values, String prefix,
                                                   List<FieldProblem> problems) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String name : values.keySet()) {
            if (!fields.containsKey(name)) problems.add(new FieldProblem(prefix + name, "is not a setting of this app"));
        }
        for (Field field : fields.values()) {
            String path = prefix + field.name();
            Object value = values.get(field.name());
            if (value == null && "object".equals(field.type())) {
                // An object left out is its properties' defaults (and refused if one of them is required).
                out.put(field.name(), applyFields(field.properties(), Map.of(), path + ".", problems));
            } else if (value == null) {
                if (field.defaultValue() != null) out.put(field.name(), field.defaultValue());
                else if (field.required()) problems.add(new FieldProblem(path, "is required"));
            } else if ("object".equals(field.type())) {
                if (value instanceof Map<?, ?> map) out.put(field.name(), applyFields(field.properties(), asStringMap(map), path + ".", problems));
                else problems.add(new FieldProblem(path, "must be an object"));
            } else if (checkValue(field, value, path, problems)) {
                out.put(field.name(), value);
            }
        }
        return out;
    }

    /** Whether a scalar value fits the field; if not, one problem is added. */
    private static boolean checkValue(Field field, Object value, String path, List<FieldProblem> problems) {
        String problem = switch (field.type()) {
            case "select" -> field.options().stream().anyMatch(o -> normalizeOption(o).equals(normalizeOption(value))) ? null
                    : "must be one of " + field.options();
            case "boolean" -> value instanceof Boolean ? null : "must be true or false";
            case "string" -> stringProblem(field, value);
            case "number", "integer" -> numberProblem(field, value);
            default -> "must be an object";
        };
        if (problem == null) return true;
        problems.add(new FieldProblem(path, problem));
        return false;
    }

    private static String stringProblem(Field field, Object value) {
        if (!(value instanceof String s)) return "must be text";
        int limit = field.maxLength() == null ? MAX_STRING_LENGTH : field.maxLength();
        if (s.codePointCount(0, s.length()) > limit) return "must be at most " + limit + " characters";
        if (field.pattern() != null) {
            try {
                if (!field.pattern().matcher(new BoundedChars(s, MAX_PATTERN_STEPS)).matches()) {
                    return "must match the pattern " + field.pattern().pattern();
                }
            } catch (BoundedChars.TooManySteps | StackOverflowError e) {
                // java.util.regex recurses per repetition: a group repeated over a long value overflows the stack.
                return "is too long or complex to check against the pattern " + field.pattern().pattern();
            }
        }
        return null;
    }

    private static String numberProblem(Field field, Object value) {
        boolean integer = "integer".equals(field.type());
        BigDecimal number = value instanceof Boolean ? null : decimal(value);
        if (number == null || (integer && whole(value) == null)) return integer ? "must be a whole number" : "must be a number";
        if (field.min() != null && number.compareTo(field.min()) < 0) return "must be at least " + field.min().toPlainString();
        if (field.max() != null && number.compareTo(field.max()) > 0) return "must be at most " + field.max().toPlainString();
        return null;
    }

    /** JSON numbers arrive as Integer, Long, BigInteger, Double or BigDecimal; null for anything else (and NaN/∞). */
    static BigDecimal decimal(Object value) {
        return switch (value) {
            case Integer i -> BigDecimal.valueOf(i);
            case Long l -> BigDecimal.valueOf(l);
            case Short s -> BigDecimal.valueOf(s);
            case BigInteger b -> new BigDecimal(b);
            case BigDecimal d -> d;
            case Double d when Double.isFinite(d) -> BigDecimal.valueOf(d);
            case Float f when Float.isFinite(f) -> BigDecimal.valueOf(f);
            case null, default -> null;
        };
    }

    /** A whole number written without a fraction (5, not 5.0), within a long; null otherwise. */
    static Long whole(Object value) {
        return switch (value) {
            case Integer i -> (long) i;
            case Long l -> l;
            case Short s -> (long) s;
            case BigInteger b when b.bitLength() < 64 -> b.longValue();
            case null, default -> null;
        };
    }

    /** 5 as Integer and 5 as Long are one option. */
    private static Object normalizeOption(Object option) {
        Long number = whole(option);
        return number != null ? number : option;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asStringMap(Map<?, ?> map) {
        for (Object key : map.keySet()) if (!(key instanceof String)) throw new IllegalArgumentException("JSON object keys are strings");
        return (Map<String, Object>) map;
    }

    /** A string that refuses to be read more than a set number of times: bounds any regex's backtracking. */
    static final class BoundedChars implements CharSequence {
        static final class TooManySteps extends RuntimeException {
            TooManySteps() {
                super(null, null, false, false);
            }
        }

        private final String text;
        private final long[] budget;

        BoundedChars(String text, long steps) {
            this(text, new long[] {steps});
        }

        private BoundedChars(String text, long[] budget) {
            this.text = text;
            this.budget = budget;
        }

        @Override
        public char charAt(int index) {
            if (--budget[0] < 0) throw new TooManySteps();
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new BoundedChars(text.substring(start, end), budget);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
