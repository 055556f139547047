package io.tollgate.platform;

import java.util.ArrayList;
import java.util.List;

/** Page-number pagination as seed 001 shows it: page from 1, per_page up to {@link #MAX_PER_PAGE}. */
public record PageQuery(int page, int perPage) {

    public static final int MAX_PER_PAGE = 100;
    public static final int DEFAULT_PER_PAGE = 20;
    /** Deep pages cost a scan; past this offset callers should narrow the filter instead. */
    public static final int MAX_OFFSET = 100_000;

    public static PageQuery of(Integer page, Integer perPage) {
        int p = page == null ? 1 : page;
        int pp = perPage == null ? DEFAULT_PER_PAGE : perPage;
        List<ApiException.FieldProblem> problems = new ArrayList<>();
        if (p < 1) problems.add(new ApiException.FieldProblem("page", "must be 1 or more"));
        if (pp < 1 || pp > MAX_PER_PAGE) problems.add(new ApiException.FieldProblem("per_page", "must be between 1 and " + MAX_PER_PAGE));
        if (problems.isEmpty() && (long) (p - 1) * pp > MAX_OFFSET) {
            problems.add(new ApiException.FieldProblem("page", "is too deep: narrow the filter (offset limit " + MAX_OFFSET + ")"));
        }
        if (!problems.isEmpty()) throw ApiException.invalidFields(problems);
        return new PageQuery(p, pp);
    }

    public int offset() { return (page - 1) * perPage; }

    public <T> PageResult<T> result(List<T> items, long total) {
        return new PageResult<>(items, new Envelope.Pagination(page, perPage, total, (total + perPage - 1) / perPage));
    }
}
