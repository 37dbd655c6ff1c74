using Orleans.Dashboard;
using Switchboard.Api;
using Switchboard.Api.DevPhone;
using Switchboard.Hosting;

var builder = WebApplication.CreateBuilder(args);
var cluster = builder.ReadClusterOptions<ClusterClientOptions>();
builder.UseOrleansClient(client => client.UseSwitchboardClustering(cluster, builder.Configuration).AddDashboard()); // the whole cluster's dashboard, at the front door too
builder.Services.AddSwitchboardApi(builder.Configuration);
builder.Services.AddSwitchboardTelemetry(builder.Configuration);

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
