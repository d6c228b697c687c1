# syntax=docker/dockerfile:1
# One image recipe for both hosts: docker compose builds it with PROJECT=Cruddur.Silo or PROJECT=Cruddur.Gateway.
# Multi-stage: the SDK image restores and publishes; the ASP.NET runtime image runs as the non-root app user.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG PROJECT
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props global.json ./
COPY Cruddur.Grains.Interfaces/Cruddur.Grains.Interfaces.csproj Cruddur.Grains.Interfaces/
COPY Cruddur.Grains/Cruddur.Grains.csproj Cruddur.Grains/
COPY Cruddur.ServiceDefaults/Cruddur.ServiceDefaults.csproj Cruddur.ServiceDefaults/
COPY Cruddur.Telemetry/Cruddur.Telemetry.csproj Cruddur.Telemetry/
COPY ${PROJECT}/${PROJECT}.csproj ${PROJECT}/
RUN dotnet restore ${PROJECT}/${PROJECT}.csproj
COPY Cruddur.Grains.Interfaces/ Cruddur.Grains.Interfaces/
COPY Cruddur.Grains/ Cruddur.Grains/
COPY Cruddur.ServiceDefaults/ Cruddur.ServiceDefaults/
COPY Cruddur.Telemetry/ Cruddur.Telemetry/
COPY ${PROJECT}/ ${PROJECT}/
RUN dotnet publish ${PROJECT}/${PROJECT}.csproj -c Release --no-restore -o /app /p:UseAppHost=false \
 && ln -s ${PROJECT}.dll /app/service.dll

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
COPY aws/json/ ./aws/json/
USER $APP_UID
EXPOSE 4567 11111 30000
ENTRYPOINT ["dotnet", "/app/service.dll"]
