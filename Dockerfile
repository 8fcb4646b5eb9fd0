# One image, three programs, for docker-compose.yml: the check-in host (silo + API, the default entry point), the
# Weight service and the payment provider simulator. Each is published into its own folder so their deps.json and
# settings never overwrite one another; a compose service picks one with `working_dir` and `entrypoint`:
#   /app/host      dotnet CheckIn.Host.dll        (default)
#   /app/weight    dotnet CheckIn.Weight.dll
#   /app/payments  dotnet CheckIn.Payments.dll
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/CheckIn.Host/CheckIn.Host.csproj -c Release -o /app/host \
 && dotnet publish src/CheckIn.Weight/CheckIn.Weight.csproj -c Release -o /app/weight \
 && dotnet publish src/CheckIn.Payments/CheckIn.Payments.csproj -c Release -o /app/payments

FROM mcr.microsoft.com/dotnet/aspnet:10.0
COPY --from=build /app /app
WORKDIR /app/host
ENTRYPOINT ["dotnet", "CheckIn.Host.dll"]
