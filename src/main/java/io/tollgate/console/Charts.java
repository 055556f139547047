package io.tollgate.console;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON shape console.js turns into a Chart.js chart: {type, labels, datasets: [{label, data}], stacked}. */
final class Charts {
    private Charts() {}

    record Dataset(String label, List<Long> data) {}

    record Chart(String type, List<String> labels, List<Dataset> datasets, boolean stacked) {
        Map<String, Object> json() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("type", type);
            json.put("labels", labels);
            List<Map<String, Object>> sets = new ArrayList<>();
            for (Dataset d : datasets) {
                Map<String, Object> set = new LinkedHashMap<>();
                set.put("label", d.label());
                set.put("data", d.data());
                sets.add(set);
            }
            json.put("datasets", sets);
            json.put("stacked", stacked);
            return json;
        }
    }

    static Chart of(String type, List<String> labels, Dataset... datasets) {
        return new Chart(type, labels, List.of(datasets), false);
    }
}
