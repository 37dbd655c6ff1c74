using Orleans.Dashboard;
using Switchboard.Api;
using Switchboard.Api.DevPhone;
using Switchboard.Grains;
using Switchboard.Grains.Telemetry;
using Switchboard.Hosting;
using Switchboard.Silo;

var builder = WebApplication.CreateBuilder(args);
builder.UseSwitchboardSilo();
builder.Services.AddSwitchboardGrains(builder.Configuration, builder.Environment.IsDevelopment());
builder.Services.AddSwitchboardApi(builder.Configuration);
builder.Services.AddSwitchboardTelemetry(builder.Configuration, SwitchboardMetrics.MeterName);

var app = builder.Build();
// Every switchboard_*_total counter at 0 from the start, so alert rules have a series before the first increment.
app.Lifetime.ApplicationStarted.Register(SwitchboardMetrics.PublishCounters);
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

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
