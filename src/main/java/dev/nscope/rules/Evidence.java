package dev.nscope.rules;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * A finding's evidence: an immutable map in insertion order, null values allowed, kept as two arrays.
 * Evidence is small (a few to a few dozen entries) and plentiful (several per container), and as
 * {@code LinkedHashMap}s each held far more than its values; a scan that only counts one more look
 * ({@link #with}) copied each of them twice. Here a new count is one array of values, the keys shared.
 */
public final class Evidence extends AbstractMap<String, Object> {
    public static final Evidence EMPTY = new Evidence(new String[0], new Object[0]);

    private final String[] keys;
    private final Object[] values;

    private Evidence(String[] keys, Object[] values) {
        this.keys = keys;
        this.values = values;
    }

    /** {@code m} itself when it is evidence already, else its entries in its order. Null keys are refused. */
    public static Evidence copyOf(Map<String, ?> m) {
        if (m instanceof Evidence e) {
            return e;
        }
        if (m == null || m.isEmpty()) {
            return EMPTY;
        }
        String[] keys = new String[m.size()];
        Object[] values = new Object[keys.length];
        int i = 0;
        for (Map.Entry<String, ?> e : m.entrySet()) {
            keys[i] = Objects.requireNonNull(e.getKey(), "evidence key");
            values[i] = e.getValue();
            i++;
        }
        return new Evidence(keys, values);
    }

    /** This evidence with {@code key} set to {@code value}: in its place if present, else last. */
    public Evidence with(String key, Object value) {
        int i = indexOf(key);
        if (i >= 0) {
            if (Objects.equals(values[i], value)) {
                return this;
            }
            Object[] v = values.clone();
            v[i] = value;
            return new Evidence(keys, v);
        }
        String[] k = Arrays.copyOf(keys, keys.length + 1);
        Object[] v = Arrays.copyOf(values, values.length + 1);
        k[keys.length] = Objects.requireNonNull(key, "evidence key");
        v[values.length] = value;
        return new Evidence(k, v);
    }

    /** The key of entry {@code i}, in insertion order. */
    public String key(int i) {
        return keys[i];
    }

    /** The value of entry {@code i}, in insertion order. */
    public Object value(int i) {
        return values[i];
    }

    private int indexOf(Object key) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i].equals(key)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public int size() {
        return keys.length;
    }

    @Override
    public boolean containsKey(Object key) {
        return indexOf(key) >= 0;
    }

    @Override
    public Object get(Object key) {
        int i = indexOf(key);
        return i < 0 ? null : values[i];
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, Object>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < keys.length;
                    }

                    @Override
                    public Entry<String, Object> next() {
                        if (next >= keys.length) {
                            throw new NoSuchElementException();
                        }
                        int i = next++;
                        return new SimpleImmutableEntry<>(keys[i], values[i]);
                    }
                };
            }

            @Override
            public int size() {
                return keys.length;
            }
        };
    }
}
