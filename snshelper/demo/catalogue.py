"""Demo catalogue: categories and services on all six platforms, named in th / en / ko.

Only the catalogue: no statistics, reviews or counts of past sales are made up. Rates are THB per
1,000 units (a Package's rate is the price of the whole package).

Idempotent: categories are found by (platform, name_en) and services by (category, name_en); what
exists is left as it is (a rate staff changed stays changed), only what is missing is created.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from snshelper.catalog.models import Category, Platform, Service
from snshelper.catalog.platforms import install_default_platforms

Type = Service.Type
D = Decimal


@dataclass(frozen=True)
class DemoService:
    names: tuple[str, str, str]  # th, en, ko
    descriptions: tuple[str, str, str]  # th, en, ko
    rate: Decimal
    min_quantity: int
    max_quantity: int
    step: int
    average_minutes: int
    type: str = Type.DEFAULT
    refill_days: int | None = None
    cancel_allowed: bool = False
    dripfeed_allowed: bool = False


@dataclass(frozen=True)
class DemoCategory:
    platform: str
    names: tuple[str, str, str]  # th, en, ko
    services: list[DemoService] = field(default_factory=list)


S = DemoService
C = DemoCategory

DEMO_CATALOG: list[DemoCategory] = [
    # --- Instagram -------------------------------------------------------------------------------
    C(
        "instagram",
        ("ผู้ติดตาม Instagram", "Instagram Followers", "인스타그램 팔로워"),
        [
            S(
                ("ผู้ติดตามคนไทย", "Thai Followers", "태국인 팔로워"),
                (
                    "ผู้ติดตามจากบัญชีโปรไฟล์คนไทย เริ่มภายใน 12 ชั่วโมง เติมให้ฟรีภายใน 30 วัน "
                    "ใส่ลิงก์โปรไฟล์หรือชื่อผู้ใช้ บัญชีต้องเป็นสาธารณะ",
                    "Followers from Thai-profile accounts. Starts within 12 hours, free refill for 30 days. "
                    "Enter your profile link or username; the account must be public.",
                    "태국 프로필 계정의 팔로워입니다. 12시간 이내 시작, 30일 무료 리필. "
                    "프로필 링크나 사용자 이름을 입력하세요. 계정은 공개 상태여야 합니다.",
                ),
                D("120.00000"),
                100,
                20_000,
                10,
                720,
                refill_days=30,
                cancel_allowed=True,
            ),
            S(
                ("ผู้ติดตามต่างชาติ", "Worldwide Followers", "글로벌 팔로워"),
                (
                    "ผู้ติดตามจากบัญชีทั่วโลก ราคาประหยัด ไม่มีการเติมให้",
                    "Followers from accounts worldwide at a budget price. No refill.",
                    "전 세계 계정의 팔로워를 저렴한 가격에 제공합니다. 리필은 없습니다.",
                ),
                D("45.00000"),
                100,
                100_000,
                100,
                360,
                cancel_allowed=True,
            ),
        ],
    ),
    C(
        "instagram",
        ("ไลก์ Instagram", "Instagram Likes", "인스타그램 좋아요"),
        [
            S(
                ("ไลก์คนไทย", "Thai Likes", "태국인 좋아요"),
                (
                    "ไลก์จากบัญชีคนไทยสำหรับโพสต์หรือรีล แบ่งส่งเป็นรอบได้",
                    "Likes from Thai accounts on a post or reel. Drip-feed available.",
                    "태국 계정이 게시물이나 릴스에 누르는 좋아요입니다. 드립피드(분할 전송) 가능.",
                ),
                D("35.00000"),
                50,
                20_000,
                10,
                60,
                dripfeed_allowed=True,
            ),
            S(
                ("ไลก์ต่างชาติ", "Worldwide Likes", "글로벌 좋아요"),
                (
                    "ไลก์จากบัญชีทั่วโลก เริ่มเร็ว เติมให้ภายใน 30 วัน แบ่งส่งเป็นรอบได้",
                    "Likes from accounts worldwide. Fast start, 30-day refill, drip-feed available.",
                    "전 세계 계정의 좋아요입니다. 빠른 시작, 30일 리필, 드립피드 가능.",
                ),
                D("12.00000"),
                100,
                50_000,
                10,
                30,
                refill_days=30,
                dripfeed_allowed=True,
            ),
            S(
                ("ไลก์อัตโนมัติทุกโพสต์ใหม่", "Auto Likes on New Posts", "새 게시물 자동 좋아요"),
                (
                    "สมัครครั้งเดียว ทุกโพสต์ใหม่ของบัญชีจะได้ไลก์ตามจำนวนที่เลือก ใส่ชื่อผู้ใช้ "
                    "จำนวนต่ำสุด-สูงสุดต่อโพสต์ จำนวนโพสต์ และวันหมดอายุ คิดเงินทีละโพสต์",
                    "Subscribe once: every new post of the account gets likes between your minimum and "
                    "maximum. Give the username, the number of posts and an expiry; each post is charged "
                    "when it is served.",
                    "한 번 구독하면 계정의 새 게시물마다 최소~최대 사이의 좋아요가 들어갑니다. 사용자 이름, "
                    "게시물 수, 만료일을 입력하세요. 게시물마다 따로 결제됩니다.",
                ),
                D("30.00000"),
                50,
                5_000,
                10,
                60,
                type=Type.SUBSCRIPTIONS,
            ),
        ],
    ),
    C(
        "instagram",
        ("วิว Instagram", "Instagram Views", "인스타그램 조회수"),
        [
            S(
                ("วิวรีล", "Reels Views", "릴스 조회수"),
                (
                    "ยอดวิวสำหรับรีล ใส่ลิงก์รีล แบ่งส่งเป็นรอบได้",
                    "Views on a reel. Enter the reel's link. Drip-feed available.",
                    "릴스 조회수입니다. 릴스 링크를 입력하세요. 드립피드 가능.",
                ),
                D("4.50000"),
                500,
                1_000_000,
                100,
                30,
                dripfeed_allowed=True,
            ),
            S(
                ("วิวสตอรี่", "Story Views", "스토리 조회수"),
                (
                    "ยอดดูสตอรี่ทุกอันที่กำลังแสดงอยู่ ใส่ชื่อผู้ใช้หรือลิงก์โปรไฟล์",
                    "Views on every story now showing. Enter the username or profile link.",
                    "현재 게시 중인 모든 스토리의 조회수입니다. 사용자 이름이나 프로필 링크를 입력하세요.",
                ),
                D("15.00000"),
                100,
                20_000,
                100,
                120,
            ),
        ],
    ),
    C(
        "instagram",
        ("คอมเมนต์และการแท็ก Instagram", "Instagram Comments & Mentions", "인스타그램 댓글·멘션"),
        [
            S(
                ("คอมเมนต์ภาษาไทย (เขียนเอง)", "Custom Comments in Thai", "태국어 맞춤 댓글"),
                (
                    "พิมพ์คอมเมนต์ที่ต้องการบรรทัดละ 1 ข้อความ จำนวนที่สั่งเท่ากับจำนวนบรรทัด",
                    "Write the comments you want, one per line; the quantity is the number of lines.",
                    "원하는 댓글을 한 줄에 하나씩 입력하세요. 주문 수량은 줄 수와 같습니다.",
                ),
                D("3500.00000"),
                5,
                500,
                1,
                360,
                type=Type.CUSTOM_COMMENTS,
            ),
            S(
                ("แท็กชื่อบัญชี (Mentions)", "Mentions", "멘션"),
                (
                    "บัญชีอื่นแท็กชื่อผู้ใช้ที่คุณระบุในคอมเมนต์ของโพสต์ ใส่ชื่อผู้ใช้บรรทัดละ 1 ชื่อ",
                    "Other accounts mention the usernames you give in comments on the post. "
                    "Enter one username per line.",
                    "다른 계정이 게시물 댓글에서 지정한 사용자 이름을 멘션합니다. "
                    "사용자 이름을 한 줄에 하나씩 입력하세요.",
                ),
                D("60.00000"),
                100,
                10_000,
                100,
                720,
                type=Type.MENTIONS,
            ),
        ],
    ),
    # --- Facebook --------------------------------------------------------------------------------
    C(
        "facebook",
        ("เพจและโปรไฟล์ Facebook", "Facebook Pages & Profiles", "페이스북 페이지·프로필"),
        [
            S(
                ("ไลก์เพจ + ผู้ติดตาม คนไทย", "Thai Page Likes + Followers", "태국인 페이지 좋아요 + 팔로워"),
                (
                    "ไลก์และผู้ติดตามเพจจากบัญชีคนไทย เติมให้ภายใน 30 วัน ใส่ลิงก์เพจ",
                    "Page likes and followers from Thai accounts, 30-day refill. Enter the page link.",
                    "태국 계정의 페이지 좋아요와 팔로워입니다. 30일 리필. 페이지 링크를 입력하세요.",
                ),
                D("150.00000"),
                100,
                20_000,
                10,
                1440,
                refill_days=30,
            ),
            S(
                ("ผู้ติดตามโปรไฟล์", "Profile Followers", "프로필 팔로워"),
                (
                    "ผู้ติดตามสำหรับโปรไฟล์ส่วนตัวหรือโหมดมืออาชีพ เติมให้ภายใน 30 วัน",
                    "Followers for a personal profile or professional mode, 30-day refill.",
                    "개인 프로필 또는 프로페셔널 모드용 팔로워입니다. 30일 리필.",
                ),
                D("90.00000"),
                100,
                50_000,
                100,
                720,
                refill_days=30,
                cancel_allowed=True,
            ),
        ],
    ),
    C(
        "facebook",
        ("โพสต์ Facebook", "Facebook Posts", "페이스북 게시물"),
        [
            S(
                ("ไลก์โพสต์คนไทย", "Thai Post Likes", "태국인 게시물 좋아요"),
                (
                    "ไลก์จากบัญชีคนไทยสำหรับโพสต์สาธารณะ แบ่งส่งเป็นรอบได้",
                    "Likes from Thai accounts on a public post. Drip-feed available.",
                    "태국 계정이 공개 게시물에 누르는 좋아요입니다. 드립피드 가능.",
                ),
                D("40.00000"),
                50,
                10_000,
                10,
                120,
                dripfeed_allowed=True,
            ),
            S(
                ("อีโมจิรักเลย ❤️", "Love Reactions ❤️", "최고예요 반응 ❤️"),
                (
                    "อีโมจิ “รักเลย” บนโพสต์สาธารณะ",
                    "“Love” reactions on a public post.",
                    "공개 게시물에 ‘최고예요’ 반응을 남깁니다.",
                ),
                D("55.00000"),
                50,
                10_000,
                10,
                180,
            ),
            S(
                ("แชร์โพสต์", "Post Shares", "게시물 공유"),
                (
                    "แชร์โพสต์สาธารณะของเพจหรือโปรไฟล์",
                    "Shares of a public post from a page or profile.",
                    "페이지나 프로필의 공개 게시물 공유입니다.",
                ),
                D("100.00000"),
                50,
                5_000,
                10,
                360,
            ),
            S(
                ("โหวตโพลในกลุ่ม", "Group Poll Votes", "그룹 투표 참여"),
                (
                    "โหวตให้ตัวเลือกหนึ่งในโพสต์โพลของกลุ่มสาธารณะ ระบุหมายเลขตัวเลือก (ตัวเลือกแรก = 1)",
                    "Votes for one answer of a poll post in a public group. Give the answer's number "
                    "(first answer = 1).",
                    "공개 그룹의 투표 게시물에서 한 항목에 투표합니다. 항목 번호를 입력하세요(첫 번째 항목 = 1).",
                ),
                D("90.00000"),
                50,
                5_000,
                10,
                240,
                type=Type.POLL,
            ),
        ],
    ),
    C(
        "facebook",
        ("วิดีโอ Facebook", "Facebook Video", "페이스북 동영상"),
        [
            S(
                ("วิววิดีโอและรีล", "Video & Reels Views", "동영상·릴스 조회수"),
                (
                    "ยอดวิววิดีโอหรือรีลสาธารณะ แบ่งส่งเป็นรอบได้",
                    "Views on a public video or reel. Drip-feed available.",
                    "공개 동영상이나 릴스의 조회수입니다. 드립피드 가능.",
                ),
                D("8.00000"),
                500,
                500_000,
                100,
                60,
                dripfeed_allowed=True,
            ),
        ],
    ),
    # --- TikTok ----------------------------------------------------------------------------------
    C(
        "tiktok",
        ("ผู้ติดตาม TikTok", "TikTok Followers", "틱톡 팔로워"),
        [
            S(
                ("ผู้ติดตามคนไทย", "Thai Followers", "태국인 팔로워"),
                (
                    "ผู้ติดตามจากบัญชีคนไทย เติมให้ภายใน 30 วัน ใส่ชื่อผู้ใช้ (@) หรือลิงก์โปรไฟล์",
                    "Followers from Thai accounts, 30-day refill. Enter the @username or profile link.",
                    "태국 계정의 팔로워입니다. 30일 리필. @사용자 이름이나 프로필 링크를 입력하세요.",
                ),
                D("95.00000"),
                100,
                20_000,
                10,
                720,
                refill_days=30,
                cancel_allowed=True,
            ),
            S(
                ("ผู้ติดตามต่างชาติ", "Worldwide Followers", "글로벌 팔로워"),
                (
                    "ผู้ติดตามจากบัญชีทั่วโลก ราคาประหยัด ไม่มีการเติมให้",
                    "Followers from accounts worldwide at a budget price. No refill.",
                    "전 세계 계정의 팔로워를 저렴한 가격에 제공합니다. 리필은 없습니다.",
                ),
                D("55.00000"),
                100,
                100_000,
                100,
                360,
                cancel_allowed=True,
            ),
        ],
    ),
    C(
        "tiktok",
        ("วิดีโอ TikTok", "TikTok Video", "틱톡 동영상"),
        [
            S(
                ("วิววิดีโอ", "Video Views", "동영상 조회수"),
                (
                    "ยอดวิววิดีโอ TikTok เริ่มเร็ว แบ่งส่งเป็นรอบได้",
                    "Views on a TikTok video. Fast start, drip-feed available.",
                    "틱톡 동영상 조회수입니다. 빠른 시작, 드립피드 가능.",
                ),
                D("9.50000"),
                1_000,
                10_000_000,
                100,
                30,
                dripfeed_allowed=True,
            ),
            S(
                ("ไลก์วิดีโอ", "Video Likes", "동영상 좋아요"),
                (
                    "ไลก์สำหรับวิดีโอ TikTok แบ่งส่งเป็นรอบได้",
                    "Likes on a TikTok video. Drip-feed available.",
                    "틱톡 동영상 좋아요입니다. 드립피드 가능.",
                ),
                D("18.00000"),
                100,
                100_000,
                10,
                60,
                dripfeed_allowed=True,
            ),
            S(
                ("แชร์วิดีโอ", "Video Shares", "동영상 공유"),
                (
                    "ยอดแชร์สำหรับวิดีโอ TikTok",
                    "Shares of a TikTok video.",
                    "틱톡 동영상 공유 수입니다.",
                ),
                D("25.00000"),
                100,
                50_000,
                10,
                120,
            ),
            S(
                ("บันทึกวิดีโอ (Saves)", "Video Saves", "동영상 저장"),
                (
                    "ยอดบันทึกวิดีโอเข้ารายการโปรด",
                    "Saves of a TikTok video to favourites.",
                    "틱톡 동영상을 즐겨찾기에 저장한 수입니다.",
                ),
                D("20.00000"),
                100,
                50_000,
                10,
                120,
            ),
            S(
                ("คอมเมนต์ภาษาไทย (เขียนเอง)", "Custom Comments in Thai", "태국어 맞춤 댓글"),
                (
                    "พิมพ์คอมเมนต์ที่ต้องการบรรทัดละ 1 ข้อความ จำนวนที่สั่งเท่ากับจำนวนบรรทัด",
                    "Write the comments you want, one per line; the quantity is the number of lines.",
                    "원하는 댓글을 한 줄에 하나씩 입력하세요. 주문 수량은 줄 수와 같습니다.",
                ),
                D("3000.00000"),
                5,
                500,
                1,
                360,
                type=Type.CUSTOM_COMMENTS,
            ),
        ],
    ),
    C(
        "tiktok",
        ("แพ็กเกจ TikTok", "TikTok Packages", "틱톡 패키지"),
        [
            S(
                ("แพ็กเกจเริ่มต้น TikTok", "TikTok Starter Package", "틱톡 스타터 패키지"),
                (
                    "วิว 20,000 + ไลก์ 1,000 + ผู้ติดตามคนไทย 500 ในราคาเดียว ใส่ลิงก์วิดีโอ (ผู้ติดตามเข้าบัญชีเจ้าของวิดีโอ)",
                    "20,000 views + 1,000 likes + 500 Thai followers for one price. Enter the video link "
                    "(followers go to the video's account).",
                    "조회수 20,000 + 좋아요 1,000 + 태국인 팔로워 500을 한 가격에. 동영상 링크를 입력하세요"
                    "(팔로워는 동영상 계정으로 들어갑니다).",
                ),
                D("249.00000"),
                1,
                1,
                1,
                1440,
                type=Type.PACKAGE,
            ),
        ],
    ),
    # --- YouTube ---------------------------------------------------------------------------------
    C(
        "youtube",
        ("ผู้ติดตาม YouTube", "YouTube Subscribers", "유튜브 구독자"),
        [
            S(
                ("ผู้ติดตามช่อง (Subscribers)", "Channel Subscribers", "채널 구독자"),
                (
                    "ผู้ติดตามช่อง YouTube เติมให้ภายใน 30 วัน ใส่ลิงก์ช่องหรือ @handle",
                    "Subscribers for a YouTube channel, 30-day refill. Enter the channel link or @handle.",
                    "유튜브 채널 구독자입니다. 30일 리필. 채널 링크나 @핸들을 입력하세요.",
                ),
                D("450.00000"),
                100,
                10_000,
                10,
                2880,
                refill_days=30,
            ),
        ],
    ),
    C(
        "youtube",
        ("วิวและชั่วโมงการรับชม YouTube", "YouTube Views & Watch Time", "유튜브 조회수·시청 시간"),
        [
            S(
                ("วิววิดีโอ", "Video Views", "동영상 조회수"),
                (
                    "ยอดวิววิดีโอ YouTube เติมให้ภายใน 30 วัน แบ่งส่งเป็นรอบได้",
                    "Views on a YouTube video, 30-day refill. Drip-feed available.",
                    "유튜브 동영상 조회수입니다. 30일 리필, 드립피드 가능.",
                ),
                D("65.00000"),
                500,
                100_000,
                100,
                1440,
                refill_days=30,
                cancel_allowed=True,
                dripfeed_allowed=True,
            ),
            S(
                ("วิว Shorts", "Shorts Views", "쇼츠 조회수"),
                (
                    "ยอดวิวสำหรับ YouTube Shorts แบ่งส่งเป็นรอบได้",
                    "Views on a YouTube Short. Drip-feed available.",
                    "유튜브 쇼츠 조회수입니다. 드립피드 가능.",
                ),
                D("25.00000"),
                1_000,
                500_000,
                100,
                720,
                dripfeed_allowed=True,
            ),
            S(
                ("ชั่วโมงการรับชม", "Watch Hours", "시청 시간"),
                (
                    "ชั่วโมงการรับชมบนวิดีโอยาว 1 ชั่วโมงขึ้นไป จำนวนนับเป็นชั่วโมง (สั่ง 1,000 = 1,000 ชั่วโมง) "
                    "เติมให้ภายใน 30 วัน",
                    "Watch time on a video of 1 hour or longer. The quantity is in hours (1,000 = 1,000 hours). "
                    "30-day refill.",
                    "1시간 이상인 동영상의 시청 시간입니다. 수량 단위는 시간입니다(1,000 = 1,000시간). "
                    "30일 리필.",
                ),
                D("1200.00000"),
                100,
                4_000,
                100,
                10_080,
                refill_days=30,
            ),
        ],
    ),
    C(
        "youtube",
        ("ไลก์ YouTube", "YouTube Likes", "유튜브 좋아요"),
        [
            S(
                ("ไลก์วิดีโอ", "Video Likes", "동영상 좋아요"),
                (
                    "ไลก์สำหรับวิดีโอหรือ Shorts เติมให้ภายใน 30 วัน",
                    "Likes on a video or Short, 30-day refill.",
                    "동영상이나 쇼츠의 좋아요입니다. 30일 리필.",
                ),
                D("70.00000"),
                50,
                20_000,
                10,
                720,
                refill_days=30,
            ),
        ],
    ),
    # --- X ---------------------------------------------------------------------------------------
    C(
        "x",
        ("ผู้ติดตาม X", "X Followers", "X 팔로워"),
        [
            S(
                ("ผู้ติดตาม", "Followers", "팔로워"),
                (
                    "ผู้ติดตามบัญชี X (Twitter) เติมให้ภายใน 30 วัน ใส่ชื่อผู้ใช้หรือลิงก์โปรไฟล์",
                    "Followers for an X (Twitter) account, 30-day refill. Enter the username or profile link.",
                    "X(트위터) 계정 팔로워입니다. 30일 리필. 사용자 이름이나 프로필 링크를 입력하세요.",
                ),
                D("180.00000"),
                100,
                20_000,
                10,
                1440,
                refill_days=30,
                cancel_allowed=True,
            ),
        ],
    ),
    C(
        "x",
        ("โพสต์ X", "X Posts", "X 게시물"),
        [
            S(
                ("ไลก์โพสต์", "Post Likes", "게시물 좋아요"),
                (
                    "ไลก์สำหรับโพสต์บน X แบ่งส่งเป็นรอบได้",
                    "Likes on a post on X. Drip-feed available.",
                    "X 게시물 좋아요입니다. 드립피드 가능.",
                ),
                D("60.00000"),
                50,
                10_000,
                10,
                240,
                dripfeed_allowed=True,
            ),
            S(
                ("รีโพสต์", "Reposts", "재게시"),
                (
                    "รีโพสต์ (รีทวีต) โพสต์ของคุณ",
                    "Reposts (retweets) of your post.",
                    "게시물 재게시(리트윗)입니다.",
                ),
                D("80.00000"),
                50,
                10_000,
                10,
                240,
            ),
            S(
                ("ยอดดูโพสต์", "Post Views", "게시물 조회수"),
                (
                    "ยอดดูโพสต์บน X แบ่งส่งเป็นรอบได้",
                    "Views on a post on X. Drip-feed available.",
                    "X 게시물 조회수입니다. 드립피드 가능.",
                ),
                D("3.50000"),
                1_000,
                1_000_000,
                100,
                30,
                dripfeed_allowed=True,
            ),
            S(
                ("โหวตโพล", "Poll Votes", "투표 참여"),
                (
                    "โหวตให้ตัวเลือกหนึ่งในโพล ระบุหมายเลขตัวเลือก (ตัวเลือกแรก = 1)",
                    "Votes for one answer of a poll. Give the answer's number (first answer = 1).",
                    "투표의 한 항목에 투표합니다. 항목 번호를 입력하세요(첫 번째 항목 = 1).",
                ),
                D("120.00000"),
                50,
                10_000,
                10,
                240,
                type=Type.POLL,
            ),
        ],
    ),
    # --- LINE ------------------------------------------------------------------------------------
    C(
        "line",
        ("LINE Official Account", "LINE Official Account", "LINE 공식 계정"),
        [
            S(
                ("เพิ่มเพื่อน LINE OA", "LINE Official Account Friends", "LINE 공식 계정 친구"),
                (
                    "เพิ่มเพื่อนให้บัญชี LINE OA เติมให้ภายใน 30 วัน ใส่ลิงก์ lin.ee หรือ LINE ID ที่ขึ้นต้นด้วย @",
                    "Friends for a LINE Official Account, 30-day refill. Enter its lin.ee link or its @ LINE ID.",
                    "LINE 공식 계정 친구 추가입니다. 30일 리필. lin.ee 링크나 @로 시작하는 LINE ID를 입력하세요.",
                ),
                D("350.00000"),
                100,
                10_000,
                100,
                2880,
                refill_days=30,
            ),
        ],
    ),
    C(
        "line",
        ("LINE VOOM", "LINE VOOM", "LINE VOOM"),
        [
            S(
                ("ผู้ติดตาม LINE VOOM", "LINE VOOM Followers", "LINE VOOM 팔로워"),
                (
                    "ผู้ติดตามสำหรับบัญชี LINE VOOM เติมให้ภายใน 30 วัน",
                    "Followers for a LINE VOOM account, 30-day refill.",
                    "LINE VOOM 계정 팔로워입니다. 30일 리필.",
                ),
                D("200.00000"),
                100,
                10_000,
                100,
                1440,
                refill_days=30,
            ),
            S(
                ("ไลก์โพสต์ LINE VOOM", "LINE VOOM Post Likes", "LINE VOOM 게시물 좋아요"),
                (
                    "ไลก์สำหรับโพสต์ LINE VOOM",
                    "Likes on a LINE VOOM post.",
                    "LINE VOOM 게시물 좋아요입니다.",
                ),
                D("80.00000"),
                50,
                5_000,
                10,
                720,
            ),
            S(
                ("วิววิดีโอ LINE VOOM", "LINE VOOM Video Views", "LINE VOOM 동영상 조회수"),
                (
                    "ยอดวิววิดีโอบน LINE VOOM แบ่งส่งเป็นรอบได้",
                    "Views on a LINE VOOM video. Drip-feed available.",
                    "LINE VOOM 동영상 조회수입니다. 드립피드 가능.",
                ),
                D("20.00000"),
                500,
                100_000,
                100,
                720,
                dripfeed_allowed=True,
            ),
        ],
    ),
]


def _category(platform: Platform, spec: DemoCategory, sort_order: int) -> Category:
    th, en, ko = spec.names
    category = Category.objects.filter(platform=platform, name_en=en).order_by("id").first()
    if category is None:
        category = Category.objects.create(
            platform=platform, name_th=th, name_en=en, name_ko=ko, sort_order=sort_order
        )
    return category


def _service(category: Category, spec: DemoService) -> Service:
    th, en, ko = spec.names
    service = Service.objects.filter(category=category, name_en=en).order_by("id").first()
    if service is None:
        description_th, description_en, description_ko = spec.descriptions
        service = Service.objects.create(
            category=category,
            name_th=th,
            name_en=en,
            name_ko=ko,
            description_th=description_th,
            description_en=description_en,
            description_ko=description_ko,
            type=spec.type,
            rate=spec.rate,
            min_quantity=spec.min_quantity,
            max_quantity=spec.max_quantity,
            step=spec.step,
            refill_days=spec.refill_days,
            cancel_allowed=spec.cancel_allowed,
            dripfeed_allowed=spec.dripfeed_allowed,
            average_minutes=spec.average_minutes,
        )
    return service


@transaction.atomic
def load_demo_catalog() -> int:
    """Make sure the demo catalogue exists; returns the number of demo services."""
    install_default_platforms(Platform)
    platforms = {platform.code: platform for platform in Platform.objects.all()}
    positions: dict[str, int] = {}
    services = 0
    for spec in DEMO_CATALOG:
        positions[spec.platform] = positions.get(spec.platform, 0) + 1
        category = _category(platforms[spec.platform], spec, sort_order=positions[spec.platform])
        for service_spec in spec.services:
            _service(category, service_spec)
            services += 1
    return services


def demo_service(platform: str, category_en: str, service_en: str) -> Service | None:
    """One demo service, found the way ``load_demo_catalog`` keys it."""
    return (
        Service.objects.filter(
            category__platform__code=platform, category__name_en=category_en, name_en=service_en
        )
        .order_by("id")
        .first()
    )
