"""The benchmark's peer: the original's stack (Flask under gunicorn) serving its home timeline, the three mock
activities of the original backend-flask services/home_activities.py, as JSON. bench/run starts it with
gunicorn -w 2 --chdir bench/flask app:app."""
from datetime import datetime, timedelta, timezone

from flask import Flask, jsonify

app = Flask(__name__)


def home_activities():
    now = datetime.now(timezone.utc)
    return [
        {
            "uuid": "68f126b0-1ceb-4a33-88be-d90fa7109eee",
            "handle": "Andrew Brown",
            "message": "Cloud is fun!",
            "created_at": (now - timedelta(days=2)).isoformat(),
            "expires_at": (now + timedelta(days=5)).isoformat(),
            "likes_count": 5,
            "replies_count": 1,
            "reposts_count": 0,
            "replies": [
                {
                    "uuid": "26e12864-1c26-5c3a-9658-97a10f8fea67",
                    "reply_to_activity_uuid": "68f126b0-1ceb-4a33-88be-d90fa7109eee",
                    "handle": "Worf",
                    "message": "This post has no honor!",
                    "likes_count": 0,
                    "replies_count": 0,
                    "reposts_count": 0,
                    "created_at": (now - timedelta(days=2)).isoformat(),
                }
            ],
        },
        {
            "uuid": "66e12864-8c26-4c3a-9658-95a10f8fea67",
            "handle": "Worf",
            "message": "I am out of prune juice",
            "created_at": (now - timedelta(days=7)).isoformat(),
            "expires_at": (now + timedelta(days=9)).isoformat(),
            "likes": 0,
            "replies": [],
        },
        {
            "uuid": "248959df-3079-4947-b847-9e0892d1bab4",
            "handle": "Garek",
            "message": "My dear doctor, I am just simple tailor",
            "created_at": (now - timedelta(hours=1)).isoformat(),
            "expires_at": (now + timedelta(hours=12)).isoformat(),
            "likes": 0,
            "replies": [],
        },
    ]


@app.get("/api/activities/home")
def home():
    return jsonify(home_activities())
