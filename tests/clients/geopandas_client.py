"""GeoPandas 0.12 (with GeoAlchemy2) against a server: to_postgis (replace, then append, which
asks Find_SRID) and read_postgis back, geometries, attributes and CRS equal. The expected values
are what PostgreSQL 15 + PostGIS 3.3 give for the same calls.
Usage: geopandas_client.py PG_PORT [USER DBNAME]"""
import geopandas as gpd
import sqlalchemy as sa
from shapely.geometry import LineString, Point

from client_check import check, report, sqlalchemy_url

eng = sa.create_engine(sqlalchemy_url)
pts = gpd.GeoDataFrame({"name": ["Tiananmen", "Bund"], "v": [1.5, 2.5]},
                       geometry=[Point(116.3975, 39.9087), Point(121.4903, 31.2397)], crs="EPSG:4326")
pts.to_postgis("gp_pts", eng, if_exists="replace")
pts.to_postgis("gp_pts", eng, if_exists="append")
back = gpd.read_postgis("SELECT name, v, geometry FROM gp_pts ORDER BY name, v", eng, geom_col="geometry")
check("rows", back[["name", "v"]].values.tolist(), [["Bund", 2.5], ["Bund", 2.5], ["Tiananmen", 1.5], ["Tiananmen", 1.5]])
check("geometries", back.geometry.to_wkt().tolist(), ["POINT (121.4903 31.2397)"] * 2 + ["POINT (116.3975 39.9087)"] * 2)
check("crs", back.crs.to_epsg(), 4326)
with eng.connect() as c:
    check("geometry_columns", c.execute(sa.text(
        "SELECT f_table_name, f_geometry_column, coord_dimension, srid, type FROM geometry_columns WHERE f_table_name = 'gp_pts'")).fetchall(),
        [("gp_pts", "geometry", 2, 4326, "POINT")])
lines = gpd.GeoDataFrame({"id": [1]}, geometry=[LineString([(500000, 4400000), (501000, 4401000)])], crs="EPSG:32650")
lines.to_postgis("gp_lines", eng, if_exists="replace")
back = gpd.read_postgis("SELECT * FROM gp_lines", eng, geom_col="geometry")
check("projected crs", (back.crs.to_epsg(), back.geometry.iloc[0].length), (32650, lines.geometry.iloc[0].length))
with eng.begin() as c:
    c.execute(sa.text("DROP TABLE gp_pts, gp_lines"))
report("geopandas_client")
