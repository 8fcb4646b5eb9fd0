# One image, three programs, for docker-compose.yml: the check-in host (silo + API + passenger UI, the default entry
# point), the Weight service and the payment provider simulator. Each is published into its own folder so their
# deps.json and settings never overwrite one another; a compose service picks one with `working_dir` and `entrypoint`:
#   /app/host      dotnet CheckIn.Host.dll        (default)
#   /app/weight    dotnet CheckIn.Weight.dll
#   /app/payments  dotnet CheckIn.Payments.dll

# The passenger UI (src/CheckIn.Web) needs Node.js 20.19+, which the .NET SDK image lacks: it is built here and its
# output (src/CheckIn.Host/wwwroot) handed to the publish below, which then skips the UI build (CheckInSkipWebUi).
FROM node:20-bookworm-slim AS web
WORKDIR /src/src/CheckIn.Web
COPY src/CheckIn.Web/package.json src/CheckIn.Web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY API-SPECIFICATION.yml /src/
COPY src/CheckIn.Web/ ./
RUN npm run build

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
COPY --from=web /src/src/CheckIn.Host/wwwroot src/CheckIn.Host/wwwroot
RUN dotnet publish src/CheckIn.Host/CheckIn.Host.csproj -c Release -o /app/host -p:CheckInSkipWebUi=true \
 && test -f /app/host/wwwroot/index.html \
 && dotnet publish src/CheckIn.Weight/CheckIn.Weight.csproj -c Release -o /app/weight \
 && dotnet publish src/CheckIn.Payments/CheckIn.Payments.csproj -c Release -o /app/payments

FROM mcr.microsoft.com/dotnet/aspnet:10.0
COPY --from=build /app /app
WORKDIR /app/host
ENTRYPOINT ["dotnet", "CheckIn.Host.dll"]
