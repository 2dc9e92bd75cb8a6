// The workload section of an experiment file: arrivals, flows, request classes and service times.
package io.flexnet.experiment;

import io.flexnet.experiment.ExperimentFileException.Problem;
import io.flexnet.workload.Durations;
import io.flexnet.workload.KvRequest;
import io.flexnet.workload.RequestClass;
import io.flexnet.workload.ServiceTime;
import io.flexnet.workload.Workload;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Reads {@code workload:}, adding what is wrong to the file's problems (see {@link ExperimentFile}). */
final class WorkloadSection extends CheckedYaml {
    private static final Set<String> WORKLOAD = Set.of("arrivals", "flows", "seed", "keys", "generator", "classes", "service", "transport");
    private static final Set<String> CLASS = Set.of("name", "port", "share", "mix", "payload");

    WorkloadSection(List<Problem> problems) { super(problems); }

    Workload workload(YamlNode w) {
        if (!w.isMap()) {
            problem(w, "workload must be a mapping (arrivals, flows, classes, service, ...); found " + w.kind());
            return null;
        }
        int before = problems.size();
        Map<String, YamlNode> m = keys(w, WORKLOAD, "workload");
        String arrivals = "poisson";
        if (m.containsKey("arrivals")) {
            String a = scalar(m.get("arrivals"), "arrivals");
            if (a != null && !a.equals("poisson") && !a.equals("uniform")) {
                problem(m.get("arrivals"), "arrivals must be poisson or uniform, got '" + shown(a) + "'");
            } else if (a != null) {
                arrivals = a;
            }
        }
        int flows = m.containsKey("flows") ? integer(m.get("flows"), "flows", 1, 0xFFFF - 1024, 1) : 1;
        long seed = m.containsKey("seed") ? longValue(m.get("seed"), "seed") : 1;
        int keys = m.containsKey("keys") ? integer(m.get("keys"), "keys", 1, Integer.MAX_VALUE, 1) : 100_000;
        Workload.GeneratorWait wait = Workload.GeneratorWait.HYBRID;
        if (m.containsKey("generator")) {
            String g = scalar(m.get("generator"), "generator");
            if ("spin".equals(g)) wait = Workload.GeneratorWait.SPIN;
            else if (g != null && !g.equals("hybrid")) problem(m.get("generator"), "generator must be hybrid or spin, got '" + shown(g) + "'");
        }
        Workload.Transport transport = Workload.Transport.UDP;
        if (m.containsKey("transport")) {
            String t = scalar(m.get("transport"), "transport");
            if ("tcp".equals(t)) transport = Workload.Transport.TCP;
            else if (t != null && !t.equals("udp")) problem(m.get("transport"), "transport must be udp or tcp, got '" + shown(t) + "'");
        }
        ServiceTime[] service = new ServiceTime[4];
        // Types given a service time, valid or not: a refused one is reported once, for its own cause,
        // and not again as missing where a class sends that type.
        boolean[] given = new boolean[4];
        YamlNode s = require(m, "service", w, "workload");
        if (s != null) {
            if (!s.isMap()) {
                problem(s, "service must map request types (GET, SCAN, PUT) to service times; found " + s.kind());
            } else {
                for (YamlNode.Entry e : s.entries()) {
                    int type = e.key() == null ? -1 : KvRequest.typeOf(e.key());
                    if (type < 0) {
                        problem(e.keyNode(), "unknown request type '" + shown(e.key()) + "' (GET, SCAN, PUT)");
                    } else if (given[type]) {
                        problem(e.keyNode(), "service time for " + KvRequest.typeName(type) + " given twice");
                    } else {
                        given[type] = true;
                        service[type] = serviceTime(e.value(), KvRequest.typeName(type));
                    }
                }
            }
        }
        List<RequestClass> classes = new ArrayList<>();
        YamlNode c = require(m, "classes", w, "workload");
        if (c != null) {
            if (!c.isList() || c.items().isEmpty()) {
                problem(c, "classes must be a list of at least one request class");
            } else {
                Set<String> names = new HashSet<>();
                for (YamlNode item : c.items()) {
                    RequestClass rc = requestClass(item, service, given, transport);
                    if (rc != null && !names.add(rc.name())) problem(item, "request class '" + shown(rc.name()) + "' defined twice");
                    else if (rc != null) classes.add(rc);
                }
            }
        }
        if (problems.size() > before) return null;
        try {
            return new Workload(arrivals, flows, classes, service, keys, seed, wait, transport);
        } catch (IllegalArgumentException e) {
            problem(w, "workload: " + e.getMessage());
            return null;
        }
    }

    private RequestClass requestClass(YamlNode n, ServiceTime[] service, boolean[] given, Workload.Transport transport) {
        if (!n.isMap()) {
            problem(n, "a request class is a mapping (name, port, share, mix, payload); found " + n.kind());
            return null;
        }
        int before = problems.size();
        Map<String, YamlNode> m = keys(n, CLASS, "request class");
        String name = null;
        YamlNode nn = require(m, "name", n, "request class");
        if (nn != null) {
            name = scalar(nn, "class name");
            if (name != null && !name.matches("[A-Za-z][A-Za-z0-9_]*")) {
                problem(nn, "class name '" + shown(name) + "' must start with a letter and have only letters, digits and '_' (it names CSV columns)");
            }
        }
        YamlNode pn = require(m, "port", n, "request class");
        int port = pn == null ? 0 : integer(pn, "port", 1, 0xFFFF, 0);
        double share = m.containsKey("share") ? number(m.get("share"), "share", true) : 1;
        double[] mix = {0, 1, 0, 0};
        if (m.containsKey("mix")) {
            YamlNode x = m.get("mix");
            if (!x.isMap()) {
                problem(x, "mix must map request types to weights, e.g. {GET: 0.995, SCAN: 0.005}; found " + x.kind());
            } else {
                mix = new double[4];
                double sum = 0;
                for (YamlNode.Entry e : x.entries()) {
                    int type = e.key() == null ? -1 : KvRequest.typeOf(e.key());
                    if (type < 0) {
                        problem(e.keyNode(), "unknown request type '" + shown(e.key()) + "' in mix (GET, SCAN, PUT)");
                        continue;
                    }
                    double wgt = number(e.value(), "mix weight of " + e.key(), false);
                    mix[type] = wgt;
                    sum += wgt;
                    if (wgt > 0 && !given[type]) {
                        problem(e.keyNode(), "mix sends " + KvRequest.typeName(type) + " requests but service: gives no time for them");
                    }
                }
                if (!(sum > 0) && problems.size() == before) problem(x, "mix needs at least one positive weight");
            }
        } else if (!given[KvRequest.GET]) {
            problem(n, "class " + name + " sends GET requests (the default mix) but service: gives no time for GET");
        }
        int payload = m.containsKey("payload") ? integer(m.get("payload"), "payload", KvRequest.LENGTH,
                transport == Workload.Transport.UDP ? Workload.MAX_UDP_PAYLOAD : Workload.MAX_TCP_PAYLOAD, KvRequest.LENGTH)
                : KvRequest.LENGTH;
        if (problems.size() > before) return null;
        return new RequestClass(name, port, share, mix, payload);
    }

    private ServiceTime serviceTime(YamlNode n, String type) {
        String t = scalar(n, "service time of " + type);
        if (t == null) return null;
        String[] w = t.trim().split("\\s+");
        String usage = "service time of " + type + " must be 'fixed T', 'uniform LO HI', 'exponential MEAN' or "
                + "'bimodal P% SHORT LONG'; got '" + shown(t) + "'";
        try {
            return switch (w[0].toLowerCase(Locale.ROOT)) {
                case "fixed" -> {
                    if (w.length != 2) throw new IllegalArgumentException(usage);
                    yield new ServiceTime.Fixed(serviceDuration(w[1], type));
                }
                case "uniform" -> {
                    if (w.length != 3) throw new IllegalArgumentException(usage);
                    long lo = serviceDuration(w[1], type), hi = serviceDuration(w[2], type);
                    if (hi < lo) throw new IllegalArgumentException("service time of " + type + ": uniform needs LO <= HI");
                    yield new ServiceTime.Uniform(lo, hi);
                }
                case "exponential" -> {
                    if (w.length != 2) throw new IllegalArgumentException(usage);
                    long mean = serviceDuration(w[1], type);
                    if (mean <= 0) throw new IllegalArgumentException("service time of " + type + ": exponential needs a mean > 0");
                    yield new ServiceTime.Exponential(mean);
                }
                case "bimodal" -> {
                    if (w.length != 4) throw new IllegalArgumentException(usage);
                    yield new ServiceTime.Bimodal(probability(w[1], type), serviceDuration(w[2], type), serviceDuration(w[3], type));
                }
                default -> throw new IllegalArgumentException(usage);
            };
        } catch (IllegalArgumentException e) {
            String msg = e.getMessage();
            problem(n, msg.startsWith("service time") ? msg : "service time of " + type + ": " + msg);
            return null;
        }
    }

    /** A service time's duration; longer than {@link ExperimentFile#MAX_SERVICE_NANOS} would stall a worker for the whole run. */
    private static long serviceDuration(String text, String type) {
        if (text.length() > 40) {
            throw new IllegalArgumentException("service time of " + type + ": '" + shown(text) + "' is not a duration");
        }
        long v = Durations.parse(text);
        if (v > ExperimentFile.MAX_SERVICE_NANOS) {
            throw new IllegalArgumentException("service time of " + type + ": at most 10s, got '" + shown(text) + "'");
        }
        return v;
    }

    private static double probability(String text, String type) {
        boolean pct = text.endsWith("%");
        double v;
        try {
            v = Double.parseDouble(pct ? text.substring(0, text.length() - 1) : text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("service time of " + type + ": bimodal share '" + shown(text) + "' is not a number");
        }
        if (pct) v /= 100;
        if (!(v >= 0 && v <= 1)) throw new IllegalArgumentException("service time of " + type + ": bimodal share must be in [0%, 100%]");
        return v;
    }
}
