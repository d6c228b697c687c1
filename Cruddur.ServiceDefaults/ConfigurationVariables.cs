namespace Cruddur.ServiceDefaults;

/// <summary>The hosts that read a configuration variable.</summary>
[Flags]
internal enum ReadBy
{
    Gateway = 1,
    Silo = 2,
    AppHost = 4,
    Both = Gateway | Silo,
}

/// <summary>How docker-compose.yml gives a variable to the services.</summary>
internal enum InCompose
{
    /// <summary><c>NAME: ${NAME:-…}</c>: from the host environment or <c>.env</c>, which lists the name.</summary>
    PassedThrough,

    /// <summary>Set per service from other names a <c>.env</c> may hold (<see cref="ConfigurationVariable.ComposeInputs"/>).</summary>
    FromOtherNames,

    /// <summary>Compose sets the value itself (addresses and ports inside the compose network).</summary>
    SetByCompose,

    /// <summary>Not given to the containers (the reason is in the meaning).</summary>
    Absent,
}

/// <summary>One variable of the configuration contract: an environment variable name, equally a configuration key.</summary>
internal sealed record ConfigurationVariable(string Name, ReadBy ReadBy, bool Secret, InCompose Compose, string Meaning)
{
    /// <summary>The names docker compose reads from the host environment or <c>.env</c> for this variable.</summary>
    public IReadOnlyList<string> ComposeInputs { get; init; } = Compose == InCompose.PassedThrough ? [Name] : [];
}

/// <summary>
/// The one list of configuration variables. docker-compose.yml, .env.example and the README's "Configuration" table
/// are checked against it (Cruddur.Tests/Configuration/ConfigurationVariablesTests.cs), and the tests' service processes
/// remove every one of them from the environment they inherit.
/// </summary>
internal static class ConfigurationVariables
{
    public static readonly IReadOnlyList<ConfigurationVariable> All =
    [
        // Telemetry: resource and OTLP
        new("OTEL_SERVICE_NAME", ReadBy.Both, false, InCompose.FromOtherNames,
            "service name; default cruddur-gateway / cruddur-silo")
        {
            ComposeInputs = ["GATEWAY_SERVICE_NAME", "SILO_SERVICE_NAME"],
        },
        new("SERVICE_VERSION", ReadBy.Both, false, InCompose.PassedThrough,
            "service.version of the resource; default the entry assembly's version"),
        new("OTEL_EXPORTER_OTLP_ENDPOINT", ReadBy.Both, false, InCompose.PassedThrough,
            "turns on the standard OTLP export of traces, metrics and logs"),
        new("OTEL_EXPORTER_OTLP_HEADERS", ReadBy.Both, true, InCompose.PassedThrough,
            "headers of the OTLP export (often an API key)"),
        new("OTEL_EXPORTER_OTLP_PROTOCOL", ReadBy.Both, false, InCompose.PassedThrough,
            "grpc (default) or http/protobuf"),
        new("HONEYCOMB_API_KEY", ReadBy.Both, true, InCompose.PassedThrough,
            "turns on OTLP traces and metrics to Honeycomb"),
        new("HONEYCOMB_ENDPOINT", ReadBy.Both, false, InCompose.PassedThrough,
            "Honeycomb base URL; default https://api.honeycomb.io"),
        new("HONEYCOMB_METRICS_DATASET", ReadBy.Both, false, InCompose.PassedThrough,
            "Honeycomb dataset of the metrics; default cruddur-metrics"),
        new("CRUDDUR_CONSOLE_EXPORTER", ReadBy.Both, false, InCompose.PassedThrough,
            "true: every span printed to stdout"),

        // X-Ray
        new("AWS_XRAY_DAEMON_ADDRESS", ReadBy.Both, false, InCompose.PassedThrough,
            "turns on X-Ray export to the daemon (UDP) and its sampling proxy (TCP)"),
        new("AWS_XRAY_TRACING_NAME", ReadBy.Both, false, InCompose.PassedThrough, "segment name override"),
        new("AWS_XRAY_URL", ReadBy.Both, false, InCompose.PassedThrough, "host pattern for dynamic segment naming"),
        new("XRAY_SAMPLING", ReadBy.Both, false, InCompose.PassedThrough, "remote or local sampling rules"),
        new("XRAY_SAMPLING_RULES", ReadBy.Both, false, InCompose.PassedThrough, "local sampling rule file"),
        new("XRAY_INDEXED_ATTRIBUTES", ReadBy.Both, false, InCompose.PassedThrough,
            "span attributes written as X-Ray annotations"),

        // CloudWatch Logs and AWS credentials
        new("CLOUDWATCH_LOG_GROUP", ReadBy.Both, false, InCompose.PassedThrough,
            "turns on CloudWatch Logs export, and CloudWatch metrics as EMF events in that group"),
        new("CLOUDWATCH_METRICS_INTERVAL", ReadBy.Both, false, InCompose.PassedThrough,
            "seconds between EMF metric collections; default 60, 0 turns the metrics off"),
        new("CLOUDWATCH_METRICS_NAMESPACE", ReadBy.Both, false, InCompose.PassedThrough,
            "CloudWatch namespace of the EMF metrics; default Cruddur"),
        new("AWS_REGION", ReadBy.Both, false, InCompose.PassedThrough, "AWS region"),
        new("AWS_DEFAULT_REGION", ReadBy.Both, false, InCompose.PassedThrough, "AWS region when AWS_REGION is unset"),
        new("AWS_ACCESS_KEY_ID", ReadBy.Both, true, InCompose.PassedThrough, "AWS access key"),
        new("AWS_SECRET_ACCESS_KEY", ReadBy.Both, true, InCompose.PassedThrough, "AWS secret key"),
        new("AWS_SESSION_TOKEN", ReadBy.Both, true, InCompose.PassedThrough, "AWS session token"),
        new("AWS_PROFILE", ReadBy.Both, false, InCompose.Absent,
            "AWS credentials profile (the SDK's chain); the containers hold no profile files"),
        new("AWS_ENDPOINT_URL", ReadBy.Both, false, InCompose.PassedThrough, "AWS endpoint override"),
        new("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", ReadBy.Both, false, InCompose.PassedThrough,
            "CloudWatch Logs endpoint override"),

        // Rollbar
        new("ROLLBAR_ACCESS_TOKEN", ReadBy.Both, true, InCompose.PassedThrough, "turns on Rollbar"),
        new("ROLLBAR_ENVIRONMENT", ReadBy.Both, false, InCompose.PassedThrough, "Rollbar environment; default production"),
        new("ROLLBAR_ENDPOINT", ReadBy.Both, false, InCompose.PassedThrough, "Rollbar item URL, used verbatim"),
        new("ROLLBAR_MINIMUM_LEVEL", ReadBy.Both, false, InCompose.PassedThrough, "lowest log level reported; default Error"),
        new("ROLLBAR_SCRUB_FIELDS", ReadBy.Both, false, InCompose.PassedThrough, "extra keys to scrub"),

        // The gateway
        new("FRONTEND_URL", ReadBy.Gateway | ReadBy.AppHost, false, InCompose.PassedThrough, "CORS origins"),
        new("BACKEND_URL", ReadBy.Gateway | ReadBy.AppHost, false, InCompose.PassedThrough, "CORS origins"),
        new("ASPNETCORE_URLS", ReadBy.Gateway, false, InCompose.SetByCompose, "listen address; default http://0.0.0.0:4567"),
        new("ASPNETCORE_HTTP_PORTS", ReadBy.Gateway, false, InCompose.Absent,
            "listen ports on every address (compose sets ASPNETCORE_URLS instead)"),
        new("Cruddur__Dashboard", ReadBy.Both, false, InCompose.FromOtherNames,
            "true: the Orleans Dashboard (grains in the silos, pages at the gateway's /dashboard)")
        {
            ComposeInputs = ["CRUDDUR_DASHBOARD"],
        },
        new("Cruddur__TrustCallerHeader", ReadBy.Gateway, false, InCompose.PassedThrough,
            "true: the X-Cruddur-User header names the caller"),

        // The cluster
        new("ConnectionStrings__redis", ReadBy.Both, false, InCompose.SetByCompose,
            "Redis for membership, grain state and reminders"),
        new("Orleans__ClusterId", ReadBy.Both, false, InCompose.FromOtherNames, "cluster id; default cruddur")
        {
            ComposeInputs = ["ORLEANS_CLUSTER_ID"],
        },
        new("Orleans__ServiceId", ReadBy.Both, false, InCompose.FromOtherNames, "service id; default cruddur")
        {
            ComposeInputs = ["ORLEANS_SERVICE_ID"],
        },
        new("Orleans__SiloPort", ReadBy.Silo, false, InCompose.SetByCompose, "silo-to-silo port; default 11111"),
        new("Orleans__GatewayPort", ReadBy.Both, false, InCompose.SetByCompose, "client gateway port; default 30000"),
        new("Orleans__AdvertisedIPAddress", ReadBy.Silo, false, InCompose.SetByCompose,
            "the address a silo gives the cluster"),
        new("Orleans__ResponseTimeout", ReadBy.Gateway, false, InCompose.PassedThrough,
            "how long the gateway waits for a grain call; default 00:00:10"),

        // Tests
        new("Cruddur__Faults__ThrowForHandle", ReadBy.Silo, false, InCompose.Absent,
            "tests only: grain calls for that handle throw"),
    ];

    /// <summary>Every name a <c>.env</c> file may give docker compose (what .env.example lists).</summary>
    public static IEnumerable<string> ComposeInputs => All.SelectMany(v => v.ComposeInputs);
}
