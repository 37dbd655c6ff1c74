using Orleans.Dashboard;
using Switchboard.Api;
using Switchboard.Api.DevPhone;
using Switchboard.Api.Email;
using Switchboard.Hosting;

var builder = WebApplication.CreateBuilder(args);
var cluster = builder.ReadClusterOptions<ClusterClientOptions>();
// One table client (one connection pool) for all the front end does with storage: membership, the console's key
// ring, the storage watch. None on localhost clustering without storage.
var tables = ClusterHosting.StorageTablesIfSet(builder.Configuration);
if (tables is not null)
{
    builder.Services.AddSingleton(tables);
}

builder.UseOrleansClient(client => client.UseSwitchboardClustering(cluster, tables).AddDashboard()); // the whole cluster's dashboard, at the front door too
builder.Services.AddSwitchboardApi(builder.Configuration);
if (cluster.Mode == ClusteringMode.AzureStorage)
{
    // Front ends of one service read each other's console cookies (on Localhost, one machine shares its key folder).
    builder.Services.AddTableKeyRing(tables!);
}

builder.Services.AddSwitchboardTelemetry(builder.Configuration, EmailMetrics.MeterName); // the email webhook's counters

var app = builder.Build();
app.UseForwardedHeaders();
app.UseSwitchboardApi(); // admin key before any binding; unbindable requests as problem details
app.UseDashboardAccess();
app.MapSwitchboardApi();
app.MapPrometheusScrapingEndpoint(Telemetry.MetricsPath);
app.MapOrleansDashboard(routePrefix: DashboardAccess.RoutePrefix);
if (app.Environment.IsDevelopment())
{
    app.MapDevPhoneApi();
}

app.Run();
