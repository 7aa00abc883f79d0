using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Notifications;
using Notifications.Functions;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddNotifications(builder.Configuration);
builder.Services.AddNotificationsTelemetry(builder.Configuration);
builder.Build().Run();
