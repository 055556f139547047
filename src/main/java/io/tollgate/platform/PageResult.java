package io.tollgate.platform;

import java.util.List;
import java.util.function.Function;

public record PageResult<T>(List<T> items, Envelope.Pagination pagination) {
    public <R> PageResult<R> map(Function<T, R> mapper) {
        return new PageResult<>(items.stream().map(mapper).toList(), pagination);
    }
}
