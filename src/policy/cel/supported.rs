//! What a policy expression may use: the functions of the API server's CEL
//! environment that tether evaluates, each with an expression using it
//! that evaluates to true (the tests run every one, so this list cannot
//! claim what does not work). Anything else is a compile error.

/// Functions called as `f(x)` (or `ns.f(x)`), with a sample.
pub const GLOBAL: &[(&str, &str)] = &[
    (
        "size",
        "size('abc') == 3 && size([1, 2]) == 2 && size({'a': 1}) == 1",
    ),
    ("int", "int('12') == 12 && int(2.7) == 2"),
    ("uint", "uint(3) == 3u"),
    ("double", "double('1.5') == 1.5"),
    ("string", "string(12) == '12'"),
    ("bytes", "bytes('ab') == b'ab'"),
    ("bool", "bool('true')"),
    ("dyn", "dyn(1) == 1"),
    (
        "type",
        "type('a') == string && type(1) == int && type({}) == map",
    ),
    ("duration", "duration('90s') > duration('1m')"),
    (
        "timestamp",
        "timestamp('2024-01-01T00:00:00Z') < timestamp('2025-01-01T00:00:00Z')",
    ),
    ("matches", "matches('abc', '^a')"),
    ("quantity", "quantity('1Gi') == quantity('1024Mi')"),
    ("isQuantity", "isQuantity('1.5G') && !isQuantity('200K')"),
    ("sign", "sign(quantity('-5')) == -1"),
    (
        "url",
        "url('https://example.com/a').getHost() == 'example.com'",
    ),
    ("isURL", "isURL('/healthz') && !isURL('example.com')"),
    ("optional.of", "optional.of(1).hasValue()"),
    ("optional.none", "!optional.none().hasValue()"),
    (
        "optional.ofNonZeroValue",
        "!optional.ofNonZeroValue('').hasValue()",
    ),
    ("strings.quote", "strings.quote('a') == '\"a\"'"),
    (
        "sets.contains",
        "sets.contains([1, 2, 3], [3, 1]) && !sets.contains([1], [2])",
    ),
    ("sets.equivalent", "sets.equivalent([1, 2], [2, 1, 1])"),
    (
        "sets.intersects",
        "sets.intersects([1, 2], [2, 5]) && !sets.intersects([1], [])",
    ),
];

/// Functions called on a receiver as `x.f(y)`, with a sample.
pub const MEMBER: &[(&str, &str)] = &[
    ("size", "'abc'.size() == 3 && [1].size() == 1"),
    ("contains", "'abc'.contains('b')"),
    ("startsWith", "'abc'.startsWith('ab')"),
    ("endsWith", "'abc'.endsWith('bc')"),
    ("matches", "'abc'.matches('^a.c$')"),
    ("charAt", "'abc'.charAt(1) == 'b'"),
    (
        "indexOf",
        "'abc'.indexOf('c') == 2 && [1, 2].indexOf(2) == 1 && [1].indexOf(3) == -1",
    ),
    (
        "lastIndexOf",
        "'abcb'.lastIndexOf('b') == 3 && [1, 2, 1].lastIndexOf(1) == 2",
    ),
    ("lowerAscii", "'AbC'.lowerAscii() == 'abc'"),
    ("upperAscii", "'AbC'.upperAscii() == 'ABC'"),
    (
        "replace",
        "'aXa'.replace('a', 'b') == 'bXb' && 'aaa'.replace('a', 'b', 1) == 'baa'",
    ),
    ("split", "'a,b'.split(',') == ['a', 'b']"),
    (
        "substring",
        "'tacocat'.substring(4) == 'cat' && 'tacocat'.substring(0, 4) == 'taco'",
    ),
    ("trim", "'  a \\t'.trim() == 'a'"),
    (
        "join",
        "['a', 'b'].join('-') == 'a-b' && ['a', 'b'].join() == 'ab'",
    ),
    ("format", "'%s=%d'.format(['a', 1]) == 'a=1'"),
    ("hasValue", "optional.of(1).hasValue()"),
    ("value", "optional.of(2).value() == 2"),
    (
        "orValue",
        "{'a': 1}.?b.orValue(5) == 5 && {'a': 1}.?a.orValue(5) == 1",
    ),
    ("or", "optional.none().or(optional.of(3)).value() == 3"),
    ("isSorted", "[1, 2, 3].isSorted() && !['b', 'a'].isSorted()"),
    (
        "sum",
        "[1, 2, 3].sum() == 6 && [].sum() == 0 && [0.5, 1.5].sum() == 2.0",
    ),
    ("min", "[3, 1, 2].min() == 1"),
    (
        "max",
        "[3, 1, 2].max() == 3 && ['a', 'c', 'b'].max() == 'c'",
    ),
    (
        "find",
        "'abc123def456'.find('[0-9]+') == '123' && 'abc'.find('[0-9]') == ''",
    ),
    (
        "findAll",
        "'a1b22c333'.findAll('[0-9]+') == ['1', '22', '333'] && 'a1b2'.findAll('[0-9]', 1) == ['1']",
    ),
    (
        "getScheme",
        "url('https://example.com/').getScheme() == 'https'",
    ),
    (
        "getHost",
        "url('https://example.com:80/').getHost() == 'example.com:80'",
    ),
    (
        "getHostname",
        "url('https://[::1]:80/').getHostname() == '::1'",
    ),
    (
        "getPort",
        "url('https://example.com:80/').getPort() == '80'",
    ),
    (
        "getEscapedPath",
        "url('https://example.com/a%20b?x').getEscapedPath() == '/a%20b'",
    ),
    (
        "getQuery",
        "url('https://e.com/p?k1=a&k2=b&k2=c').getQuery() == {'k1': ['a'], 'k2': ['b', 'c']}",
    ),
    (
        "sign",
        "quantity('-1').sign() == -1 && quantity('0').sign() == 0",
    ),
    (
        "isGreaterThan",
        "quantity('150Mi').isGreaterThan(quantity('100Mi'))",
    ),
    ("isLessThan", "quantity('50M').isLessThan(quantity('100M'))"),
    (
        "compareTo",
        "quantity('200M').compareTo(quantity('0.2G')) == 0 && quantity('50M').compareTo(quantity('50Mi')) == -1",
    ),
    ("asInteger", "quantity('50k').asInteger() == 50000"),
    (
        "isInteger",
        "quantity('50k').isInteger() && !quantity('500m').isInteger()",
    ),
    (
        "asApproximateFloat",
        "quantity('500m').asApproximateFloat() == 0.5",
    ),
    (
        "add",
        "quantity('50k').add(quantity('20k')) == quantity('70k') && quantity('50k').add(20) == quantity('50020')",
    ),
    (
        "sub",
        "quantity('50k').sub(quantity('20k')) == quantity('30k') && quantity('50k').sub(20000) == quantity('30k')",
    ),
    ("getHours", "duration('2h').getHours() == 2"),
    ("getMinutes", "duration('90m').getMinutes() == 90"),
    ("getSeconds", "duration('1m').getSeconds() == 60"),
    (
        "getMilliseconds",
        "duration('1.5s').getMilliseconds() == 1500",
    ),
    (
        "getFullYear",
        "timestamp('2024-03-05T10:20:30Z').getFullYear() == 2024",
    ),
    (
        "getMonth",
        "timestamp('2024-03-05T10:20:30Z').getMonth() == 2",
    ),
    (
        "getDate",
        "timestamp('2024-03-05T10:20:30Z').getDate() == 5",
    ),
    (
        "getDayOfMonth",
        "timestamp('2024-03-05T10:20:30Z').getDayOfMonth() == 4",
    ),
    (
        "getDayOfWeek",
        "timestamp('2024-03-05T10:20:30Z').getDayOfWeek() == 2",
    ),
    (
        "getDayOfYear",
        "timestamp('2024-03-05T10:20:30Z').getDayOfYear() == 64",
    ),
];

/// Macros (expanded when compiling), with a sample; they are no calls
/// of their own, so this list only documents and tests them.
pub const MACROS: &[(&str, &str)] = &[
    ("has", "has({'a': 1}.a) && !has({'a': 1}.b)"),
    ("all", "[1, 2].all(x, x > 0) && {'a': 1}.all(k, k == 'a')"),
    ("exists", "[1, 2].exists(x, x == 2)"),
    ("exists_one", "[1, 2, 2].exists_one(x, x == 1)"),
    (
        "map",
        "[1, 2].map(x, x * 2) == [2, 4] && [1, 2].map(x, x > 1, x) == [2]",
    ),
    ("filter", "[1, 2, 3].filter(x, x > 1) == [2, 3]"),
    (
        "?.",
        "{'a': {'b': 1}}.?a.?b.orValue(0) == 1 && {'a': 1}.?z.?b.orValue(0) == 0",
    ),
    (
        "[?]",
        "[1, 2][?5].orValue(0) == 0 && {'k': 1}[?'k'].orValue(0) == 1",
    ),
];

/// Operators and the internal calls macros expand to.
pub const OPERATORS: &[&str] = &[
    "_?_:_",
    "_&&_",
    "_||_",
    "!_",
    "-_",
    "_+_",
    "_-_",
    "_*_",
    "_/_",
    "_%_",
    "_==_",
    "_!=_",
    "_<_",
    "_<=_",
    "_>_",
    "_>=_",
    "_[_]",
    "_[?_]",
    "_?._",
    "@in",
    "@not_strictly_false",
];

/// Type names an expression may compare with `type(x)`.
pub const TYPE_NAMES: &[&str] = &[
    "int",
    "uint",
    "double",
    "bool",
    "string",
    "bytes",
    "list",
    "map",
    "null_type",
    "type",
];

/// Namespaces of the global functions above (`optional.of`).
pub const NAMESPACES: &[&str] = &["optional", "strings", "sets"];

/// The member functions of the API server's `authorizer`. tether cannot
/// ask a cluster's authorizer: an expression using it compiles, and its
/// evaluation fails (so the policy's failurePolicy decides).
pub const AUTHORIZER: &[&str] = &[
    "group",
    "resource",
    "subresource",
    "namespace",
    "name",
    "check",
    "allowed",
    "reason",
    "errored",
    "error",
    "serviceAccount",
    "path",
    "fieldSelector",
    "labelSelector",
];

/// Kubernetes CEL libraries tether does not evaluate, by a function of
/// theirs, for the compile error's wording.
pub const UNSUPPORTED_LIBRARIES: &[(&str, &str)] = &[
    ("ip", "the IP library"),
    ("isIP", "the IP library"),
    ("cidr", "the CIDR library"),
    ("isCIDR", "the CIDR library"),
    ("containsIP", "the CIDR library"),
    ("containsCIDR", "the CIDR library"),
    ("semver", "the semver library"),
    ("isSemver", "the semver library"),
    ("format.dns1123Label", "the format library"),
    ("image", "the image library"),
    ("mul", "quantity mul/div (Kubernetes 1.35)"),
    ("div", "quantity mul/div (Kubernetes 1.35)"),
    ("transformList", "two-variable comprehensions"),
    ("transformMap", "two-variable comprehensions"),
    ("transformMapEntry", "two-variable comprehensions"),
];
