package io.tollgate.platform;

import java.util.ArrayList;
import java.util.List;

/** Page-number pagination as seed 001 shows it: page from 1, per_page up to {@link #MAX_PER_PAGE}. */
public record PageQuery(int page, int perPage) {

    public static final int MAX_PER_PAGE = 100;
    public static final int DEFAULT_PER_PAGE = 20;
    /** Deep pages cost a scan; past this offset callers should narrow the filter instead. */
    public static final int MAX_OFFSET = 100_000;
    public static final String PER_PAGE_MESSAGE = "must be between 1 and " + MAX_PER_PAGE;

    public static PageQuery of(Integer page, Integer perPage) {
        int p = page == null ? 1 : page;
        int pp = perPage == null ? DEFAULT_PER_PAGE : perPage;
        List<ApiException.FieldProblem> problems = new ArrayList<>();
        boolean perPageOk = pp >= 1 && pp <= MAX_PER_PAGE;
        if (!perPageOk) problems.add(new ApiException.FieldProblem("per_page", PER_PAGE_MESSAGE));
        if (p < 1 || (perPageOk && p > maxPage(pp))) {
            problems.add(new ApiException.FieldProblem("page", pageMessage(perPageOk ? pp : DEFAULT_PER_PAGE)));
        }
        if (!problems.isEmpty()) throw ApiException.invalidFields(problems);
        return new PageQuery(p, pp);
    }

    /** The deepest page a list answers at this page size (offset at most {@link #MAX_OFFSET}). */
    public static int maxPage(int perPage) {
        return MAX_OFFSET / perPage + 1;
    }

    public static String pageMessage(int perPage) {
        return "must be between 1 and " + maxPage(perPage) + " at per_page " + perPage + " (for deeper pages, narrow the filter)";
    }

    public int offset() { return (page - 1) * perPage; }

    public <T> PageResult<T> result(List<T> items, long total) {
        return new PageResult<>(items, new Envelope.Pagination(page, perPage, total, (total + perPage - 1) / perPage));
    }
}
