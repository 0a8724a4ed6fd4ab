using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Serilog;

var builder = WebApplication.CreateBuilder(args);

builder.Host.UseSerilog((context, logger) => logger
    .ReadFrom.Configuration(context.Configuration)
    .Enrich.WithProperty("service", "${{ values.name }}")
    .WriteTo.Console());

builder.Services.AddOpenTelemetry()
    .ConfigureResource(resource => resource.AddService("${{ values.name }}"))
    .WithTracing(tracing => tracing.AddAspNetCoreInstrumentation().AddOtlpExporter());

builder.Services.AddHealthChecks();

var app = builder.Build();
app.UseSerilogRequestLogging();
app.MapHealthChecks("/healthz");
app.MapGet("/", () => Results.Ok(new { service = "${{ values.name }}" }));
app.Run();
