package dev.nscope.web;

import dev.nscope.text.ByteOutput;

import java.lang.invoke.CallSite;
import java.lang.invoke.LambdaMetafactory;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;
import java.util.function.Function;

/**
 * Writes the agent's JSON views (records of maps, lists, strings and numbers) to UTF-8 bytes exactly as
 * the agent's Jackson mapper writes them (a test holds the two side by side): field names encoded once
 * per record class, values straight into a {@link ByteOutput}. On its own it is about as fast as the
 * mapper under C1 (a whole document at 1,000 containers: 22-30 ms against 24-36 ms, C1 harness); what it
 * adds is writing into a caller's buffer and copying bytes written before ({@link ContainersJson}).
 * A value of any other kind (an enum, an {@code Optional}, a record with Jackson annotations or with
 * getters beyond its components) is handed whole to {@code other}, the mapper itself.
 */
final class JsonWriter {
    private static final byte[] NULL = ascii("null");
    private static final byte[] TRUE = ascii("true");
    private static final byte[] FALSE = ascii("false");
    private static final byte[] HEX = ascii("0123456789ABCDEF");
    /**
     * Per ASCII char: 0 as is, a letter for a two-char escape ({@code \n}), -1 for a six-char escape
     * (backslash, u, four upper-case hex digits), as Jackson escapes.
     */
    private static final byte[] ESCAPES = new byte[128];

    static {
        for (int c = 0; c < 0x20; c++) {
            ESCAPES[c] = -1;
        }
        ESCAPES['"'] = '"';
        ESCAPES['\\'] = '\\';
        ESCAPES['\b'] = 'b';
        ESCAPES['\t'] = 't';
        ESCAPES['\n'] = 'n';
        ESCAPES['\f'] = 'f';
        ESCAPES['\r'] = 'r';
    }

    /** By record class. */
    private static final Map<Class<?>, RecordPlan> PLANS = new java.util.concurrent.ConcurrentHashMap<>();

    private final ByteOutput out;
    private final Function<Object, byte[]> other;

    JsonWriter(ByteOutput out, Function<Object, byte[]> other) {
        this.out = out;
        this.other = other;
    }

    /** Where the next byte goes. */
    int position() {
        return out.length();
    }

    JsonWriter put(byte b) {
        out.put(b);
        return this;
    }

    /** Copies {@code length} bytes of {@code from} from {@code offset} on. */
    JsonWriter copy(byte[] from, int offset, int length) {
        out.put(from, offset, length);
        return this;
    }

    /**
     * The name of component {@code i} of a record class as it starts a field: {@code {"name":} for the
     * first, {@code ,"name":} for the others. For a writer that writes a record's components itself.
     */
    JsonWriter name(Class<? extends Record> type, int i) {
        out.put(plan(type).names[i]);
        return this;
    }

    private static RecordPlan plan(Class<?> type) {
        RecordPlan p = PLANS.get(type);
        return p != null ? p : PLANS.computeIfAbsent(type, RecordPlan::of);
    }

    /** The bytes written from {@code from} on, as a new array. */
    byte[] since(int from) {
        return java.util.Arrays.copyOfRange(out.array(), from, out.length());
    }

    /** Copies bytes written before: a part that has not changed. */
    JsonWriter copy(byte[] from) {
        out.put(from);
        return this;
    }

    JsonWriter value(Object v) {
        if (v == null) {
            out.put(NULL);
        } else if (v instanceof String s) {
            string(s);
        } else if (v instanceof Long l) {
            out.digits(l);
        } else if (v instanceof Integer i) {
            out.digits(i);
        } else if (v instanceof Double d) {
            number(d);
        } else if (v instanceof Boolean b) {
            out.put(b ? TRUE : FALSE);
        } else if (v instanceof Map<?, ?> m) {
            map(m);
        } else if (v instanceof Collection<?> c) {
            array(c);
        } else if (v instanceof Short || v instanceof Byte) {
            out.digits(((Number) v).longValue());
        } else {
            RecordPlan plan = v instanceof Record ? plan(v.getClass()) : null;
            if (plan != null && plan.plain()) {
                record(v, plan);
            } else {
                out.put(other.apply(v));
            }
        }
        return this;
    }

    private void number(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            string(Double.toString(d));
        } else {
            out.ascii(Double.toString(d));
        }
    }

    private void map(Map<?, ?> m) {
        for (Object k : m.keySet()) {
            if (!(k instanceof String)) {
                out.put(other.apply(m));
                return;
            }
        }
        out.put((byte) '{');
        boolean first = true;
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!first) {
                out.put((byte) ',');
            }
            first = false;
            string((String) e.getKey());
            out.put((byte) ':');
            value(e.getValue());
        }
        out.put((byte) '}');
    }

    private void array(Collection<?> c) {
        out.put((byte) '[');
        boolean first = true;
        for (Object v : c) {
            if (!first) {
                out.put((byte) ',');
            }
            first = false;
            value(v);
        }
        out.put((byte) ']');
    }

    private void record(Object r, RecordPlan plan) {
        for (int i = 0; i < plan.names.length; i++) {
            out.put(plan.names[i]);
            value(plan.get(i, r));
        }
        out.put((byte) '}');
    }

    /**
     * A JSON string as Jackson writes it: quote, backslash and the control chars escaped, a lone surrogate
     * (possible: the runtime metadata reader decodes JSON escapes) as a six-char escape, the rest in
     * UTF-8 ({@link ByteOutput#utf8}). ASCII, nearly all of it, goes straight into the array.
     */
    void string(String s) {
        int len = s.length();
        byte[] a = out.reserve(len * 6 + 2);
        int n = out.length();
        a[n++] = '"';
        for (int k = 0; k < len; k++) {
            char c = s.charAt(k);
            if (c < 0x80) {
                byte e = ESCAPES[c];
                if (e == 0) {
                    a[n++] = (byte) c;
                } else if (e > 0) {
                    a[n++] = '\\';
                    a[n++] = e;
                } else {
                    n = escaped(a, n, c);
                }
            } else if (Character.isSurrogate(c)
                    && !(Character.isHighSurrogate(c) && k + 1 < len && Character.isLowSurrogate(s.charAt(k + 1)))) {
                n = escaped(a, n, c);
            } else {
                out.skip(n - out.length());
                k = out.utf8(s, k);
                a = out.reserve((len - k) * 6 + 2);
                n = out.length();
            }
        }
        a[n++] = '"';
        out.skip(n - out.length());
    }

    /** {@code c} as backslash, u and four upper-case hex digits, at {@code n} of {@code a}; returns the new end. */
    private static int escaped(byte[] a, int n, char c) {
        a[n++] = '\\';
        a[n++] = 'u';
        a[n++] = HEX[c >> 12];
        a[n++] = HEX[(c >> 8) & 0xF];
        a[n++] = HEX[(c >> 4) & 0xF];
        a[n++] = HEX[c & 0xF];
        return n;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * How a record class is written: its components in order, each name encoded once (with the brace or
     * comma before it). Not plain (so written by the mapper) when a component or the class carries a
     * Jackson annotation, or the class has a getter Jackson would add.
     */
    private static final class RecordPlan {
        final byte[][] names;
        final Function<Object, Object>[] accessors;
        final boolean plain;

        private RecordPlan(byte[][] names, Function<Object, Object>[] accessors, boolean plain) {
            this.names = names;
            this.accessors = accessors;
            this.plain = plain;
        }

        boolean plain() {
            return plain;
        }

        static RecordPlan of(Class<?> type) {
            RecordComponent[] components = type.getRecordComponents();
            if (components == null || !Modifier.isPublic(type.getModifiers()) || jackson(type)) {
                return new RecordPlan(null, null, false);
            }
            byte[][] names = new byte[components.length][];
            @SuppressWarnings("unchecked")
            Function<Object, Object>[] accessors = new Function[components.length];
            JsonWriter w = new JsonWriter(new ByteOutput(64), o -> {
                throw new IllegalStateException();
            });
            for (int i = 0; i < components.length; i++) {
                RecordComponent c = components[i];
                if (jackson(c) || jackson(c.getAccessor()) || jackson(field(type, c))) {
                    return new RecordPlan(null, null, false);
                }
                int start = w.out.length();
                w.out.put((byte) (i == 0 ? '{' : ','));
                w.string(c.getName());
                w.out.put((byte) ':');
                names[i] = java.util.Arrays.copyOfRange(w.out.array(), start, w.out.length());
                accessors[i] = getter(type, c.getAccessor());
                if (accessors[i] == null) {
                    return new RecordPlan(null, null, false);
                }
            }
            if (components.length == 0) {
                return new RecordPlan(null, null, false);
            }
            for (Method m : type.getMethods()) {
                if (!Modifier.isStatic(m.getModifiers()) && m.getParameterCount() == 0 && m.getDeclaringClass() != Object.class
                        && (m.getName().startsWith("get") || m.getName().startsWith("is")) && !isAccessor(m, components)) {
                    return new RecordPlan(null, null, false);
                }
            }
            return new RecordPlan(names, accessors, true);
        }

        Object get(int i, Object r) {
            return accessors[i].apply(r);
        }

        /**
         * The accessor as a {@code Function} (a lambda class: a plain call, where reflection costs several
         * times more under the C1-only JIT the chart runs), or null when it cannot be reached.
         */
        @SuppressWarnings("unchecked")
        private static Function<Object, Object> getter(Class<?> type, Method accessor) {
            try {
                MethodHandles.Lookup lookup = MethodHandles.lookup();
                MethodHandle target = lookup.unreflect(accessor);
                CallSite site = LambdaMetafactory.metafactory(lookup, "apply", MethodType.methodType(Function.class),
                        MethodType.methodType(Object.class, Object.class), target,
                        MethodType.methodType(target.type().returnType(), type).wrap().changeParameterType(0, type));
                return (Function<Object, Object>) site.getTarget().invoke();
            } catch (Throwable e) {
                return null;
            }
        }

        private static AnnotatedElement field(Class<?> type, RecordComponent c) {
            try {
                return type.getDeclaredField(c.getName());
            } catch (NoSuchFieldException e) {
                throw new IllegalStateException(e);
            }
        }

        private static boolean isAccessor(Method m, RecordComponent[] components) {
            for (RecordComponent c : components) {
                if (c.getAccessor().getName().equals(m.getName())) {
                    return true;
                }
            }
            return false;
        }

        private static boolean jackson(AnnotatedElement e) {
            for (var a : e.getAnnotations()) {
                String name = a.annotationType().getName();
                if (name.startsWith("com.fasterxml.jackson.") || name.startsWith("tools.jackson.")) {
                    return true;
                }
            }
            return false;
        }
    }
}
