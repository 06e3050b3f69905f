package dev.stigmem.node.internal.cli;

import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.ISetter;

/**
 * The value of one option or positional parameter of a {@link CommandModel}: picocli sets it as
 * it parses, the command reads it when it runs. Holds the initial value until the command line
 * gives another ({@code null} for an option without a value and no initial one).
 *
 * @param <T> the value's type
 */
final class Arg<T> implements IGetter, ISetter {
    private T value;

    Arg(T initial) {
        value = initial;
    }

    /** What the command line gave, or the initial value. */
    T value() {
        return value;
    }

    // (picocli's binding interfaces are generic per call; the model gives each Arg the type it holds.)
    @Override
    @SuppressWarnings("unchecked")
    public <V> V get() {
        return (V) value;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <V> V set(V newValue) {
        V old = (V) value;
        value = (T) newValue;
        return old;
    }
}
