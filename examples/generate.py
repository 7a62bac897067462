"""Write the synthetic 鲜果坊 crisis example: a Weibo-search CSV and a generic JSONL.

The story (all times Asia/Shanghai, one week, 2026-11-02 Mon .. 2026-11-08 Sun)
------------------------------------------------------------------------------
鲜果坊 (aliases 鲜果坊旗舰店, 鲜果坊官方, XianGuoFang; official Weibo account
鲜果坊官方旗舰店) is a fictional fresh-fruit shop on a JD-like platform ("某东").

1. 11-02 .. 11-04 and 11-05 before 07:12 -- baseline: 25-35 mentions a day with a
   daily rhythm (quiet at night, busier at noon and in the evening): fresh deliveries,
   tasty 山竹/芒果/车厘子, 双11 pre-sales, unboxings, price talk, a few ordinary
   complaints (slow courier, a bit pricey). The shop advertises "坏果包赔".
2. 11-05 07:12 -- the writer 林夕说书 (10.3M followers) posts four photos: the 山竹
   she bought from 鲜果坊 arrived rotten and mouldy, the refund was refused, customer
   service never answered (转发 2865, 评论 514, 点赞 3477, topic #鲜果坊烂山竹#).
   A 金V gossip account (2.1M) picks it up at 09:05; she posts an update at 11:38.
   The day brings a few hundred mentions, peaking 09:00-11:00, mostly negative: same
   experiences (烂果, 发霉, 不新鲜), refunds refused, 客服 unreachable, slow cold
   chain, "坏果包赔" called 虚假宣传, rude service, boycotts, //@ repost chains,
   jokes, a few defenders, people switching to the competitor 果多多.
3. 11-06 15:12 -- 32 hours later, 鲜果坊官方旗舰店 posts a 致歉声明 (全额退款,
   整改客服). Mixed reactions: "态度还算诚恳" versus "32小时才回应".
4. 11-07 .. 11-08 -- the tail: volume decays towards baseline, sentiment recovers.

Also in the data: the competitor 果多多 (5-10 mentions a day), five posts where the
characters 鲜果坊 occur only by accident in "新鲜果坊间..." (exclude pattern
``鲜果坊间``), three pure "转发微博" reposts, four rows duplicated by an append-mode
re-run (the viral post among them) and two rows whose 微博正文 is empty.

Every text, name and id is invented by the project; nothing is copied from real posts.

Usage: ``python examples/generate.py [--out DIR] [--seed N]`` writes
``crisis_weibo_search.csv`` (dataabc/weibo-search layout, UTF-8 with BOM) and
``crisis_posts.jsonl`` (the same rows in a generic English-key layout) into DIR
(default: this script's directory). Standard library only; the output is
byte-for-byte deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import random
import re
from datetime import datetime, timedelta
from pathlib import Path

SEED = 20261105
START = datetime(2026, 11, 2)
DAYS = 7
VIRAL_TIME = datetime(2026, 11, 5, 7, 12)
GOSSIP_TIME = datetime(2026, 11, 5, 9, 5)
UPDATE_TIME = datetime(2026, 11, 5, 11, 38)
APOLOGY_TIME = VIRAL_TIME + timedelta(hours=32)  # 2026-11-06 15:12

CSV_NAME = "crisis_weibo_search.csv"
JSONL_NAME = "crisis_posts.jsonl"
CSV_HEADER = [
    "id", "bid", "user_id", "用户昵称", "微博正文", "头条文章url", "发布位置", "艾特用户",
    "话题", "转发数", "评论数", "点赞数", "发布时间", "发布工具", "微博图片url", "微博视频url",
    "retweet_id",
]

#: The complaint vocabulary the texts use, per category (for config.example.yaml).
COMPLAINT_TERMS = {
    "质量": ["烂了", "烂果", "发霉", "长毛", "坏果", "坏了", "不新鲜", "变质", "腐烂"],
    "退款/退货": ["退款", "退货", "不给退", "拒绝退款", "退款难", "驳回"],
    "客服": ["客服不回复", "联系不上客服", "客服失联", "已读不回", "机器人客服", "没人回复"],
    "物流/配送": ["快递慢", "配送", "物流", "冷链", "次日达", "三天才到"],
    "虚假宣传": ["虚假宣传", "坏果包赔是假的", "骗人", "货不对板", "图片仅供参考"],
    "态度": ["态度差", "态度恶劣", "甩锅", "敷衍", "爱买不买"],
}
EXCLUDE_PATTERN = "鲜果坊间"

# --- people -------------------------------------------------------------------------------
WRITER = {"nick": "林夕说书", "uid": "1893456721", "followers": 10_300_000,
          "tool": "iPhone 15 Pro Max", "city": "上海·静安区"}
BRAND = {"nick": "鲜果坊官方旗舰店", "uid": "7745120036", "followers": 120_000,
         "tool": "微博 weibo.com", "city": ""}
GOSSIP = {"nick": "三更吃瓜君", "uid": "2367814590", "followers": 2_100_000,
          "tool": "微博 weibo.com", "city": ""}
COMPETITOR = {"nick": "果多多官方旗舰店", "uid": "7801236654", "followers": 150_000,
              "tool": "微博 weibo.com", "city": ""}
MEDIA = {
    "rights": {"nick": "消费维权观察", "uid": "5612907733", "followers": 356_000,
               "tool": "微博 weibo.com", "city": ""},
    "lawyer": {"nick": "法律人老周", "uid": "3198450627", "followers": 472_000,
               "tool": "HUAWEI Mate 60 Pro", "city": "北京"},
    "news": {"nick": "新消费日报", "uid": "6023417785", "followers": 618_000,
             "tool": "微博 weibo.com", "city": ""},
    "foodie": {"nick": "杭州吃货指南", "uid": "5284016639", "followers": 183_000,
               "tool": "iPhone 14 Pro", "city": "杭州"},
    "industry": {"nick": "水果行业观察", "uid": "6650128843", "followers": 142_000,
                 "tool": "微博 weibo.com", "city": ""},
}

TOOLS = [
    ("iPhone 15 Pro", 14), ("iPhone 15", 8), ("iPhone 14 Pro", 8), ("iPhone 13", 6),
    ("iPhone客户端", 8), ("HUAWEI Mate 60", 10), ("HUAWEI Mate 60 Pro", 5), ("HUAWEI P60", 4),
    ("荣耀Magic6", 4), ("小米14 Ultra", 5), ("Xiaomi 14", 5), ("Redmi K70", 4),
    ("vivo X100", 5), ("OPPO Find X7", 5), ("OPPO Reno11", 3), ("Android客户端", 5),
    ("微博 weibo.com", 8), ("iPad客户端", 2), ("", 6),
]
CITIES = [
    "北京", "北京·朝阳区", "上海", "上海·浦东新区", "上海·徐汇区", "广州", "广州·天河区",
    "深圳", "深圳·南山区", "杭州", "杭州·西湖区", "成都", "成都·武侯区", "武汉", "南京",
    "苏州", "重庆", "西安", "长沙", "天津", "郑州", "青岛", "厦门", "合肥", "昆明",
]
NICK_HEAD = [
    "", "", "", "是", "小", "阿", "一只", "我是", "今天也要吃", "爱吃", "不吃", "住在隔壁的",
    "早睡的", "晚安", "半糖", "熬夜的",
]
NICK_CORE = [
    "橘子", "momo", "阿月", "山竹", "芒果", "汽水", "星星", "七七", "糖糖", "布丁", "柚子",
    "大白", "Lily", "Kiki", "小鹿", "可乐", "土豆", "番茄", "桃子", "Echo", "木子", "晚风",
    "鱼丸", "奶茶", "乌龙", "栗子", "豆豆", "团子", "雪碧", "橙子", "西柚", "柠檬", "椰子",
    "Yuki", "Coco", "阿杰", "老王", "胖虎", "大橙", "十一", "南风", "北北", "Sunny", "小满",
]
NICK_TAIL = [
    "", "", "", "呀", "yo", "酱", "_", "吖", "本人", "不吃香菜", "想暴富", "今天吃什么",
    "在减肥", "的日常", "99", "0517", "同学", "2021", "_Z", "是个胖子", "要早睡", "QAQ",
]

# --- text fragments ---------------------------------------------------------------------------
FRUITS = ["山竹", "芒果", "车厘子", "草莓", "猕猴桃", "阳光玫瑰", "砂糖橘", "榴莲", "蓝莓",
          "冰糖心苹果", "牛油果", "耙耙柑"]
ORIGINS = {"山竹": "泰国", "芒果": "海南", "车厘子": "智利", "草莓": "丹东", "猕猴桃": "陕西",
           "阳光玫瑰": "云南", "砂糖橘": "广西", "榴莲": "泰国", "蓝莓": "云南",
           "冰糖心苹果": "阿克苏", "牛油果": "墨西哥", "耙耙柑": "四川"}
POS_EMO = ["[哈哈]", "[心]", "[赞]", "[good]", "[馋嘴]", "[爱你]", "[鼓掌]", "[太开心]", "😋",
           "👍", "🥭", "🍒", "❤️", "[哈哈][哈哈]", ""]
NEG_EMO = ["[怒]", "[泪]", "[抓狂]", "[生病]", "[微笑]", "[裂开]", "[吐]", "[衰]", "[怒骂]",
           "😡", "🤮", "😭", "🙄", "💔", "[怒][怒]", "[泪][泪]", ""]
JOKE_EMO = ["[吃瓜]", "[doge]", "[二哈]", "[允悲]", "[思考]", "[费解]", "[吃瓜][吃瓜]", "🍉",
            "🤔", ""]
BRAND_ALIASES = [("鲜果坊", 72), ("鲜果坊旗舰店", 12), ("鲜果坊官方", 5), ("XianGuoFang", 4),
                 ("xianguofang", 1), ("@鲜果坊官方旗舰店 ", 6)]

BASE_POS = [
    "{B}的{F}今天到了，冰袋还没化，个头也大，双11前先囤一波{pe}",
    "第三次回购{B}的{F}了，真的甜，家里小朋友一口气吃了半盒{pe}",
    "开箱！{B}家的{F}，每个都单独套了网套，个个饱满，很满意{pe} #开箱#",
    "早上下单下午就送到了，{B}这个配送速度可以的，{F}很新鲜",
    "被同事安利了{B}，{F}确实不错，比楼下水果店便宜一点{pe}",
    "{B}双11预售的{F}定金已付，去年买过，品质稳定很好吃 #双11好物推荐#",
    "实现{F}自由的一天，感谢{B}{pe} #水果自由#",
    "给爸妈寄了一箱{B}的{F}，我妈说比超市的好吃多了，很喜欢{pe}",
    "{B}的{F}是我今年吃过最好吃的，没有之一{pe}",
    "下午茶安排上了，{B}的{F}配酸奶，绝了{pe}",
    "冷链包装很到位，{B}的{F}拿到手还是冰的，好评",
    "{B}客服挺耐心的，问了半天{F}的产地都一一回答了，服务很好",
    "帮室友拼单买了{B}的{F}，太好吃了，{W}一下就吃完了{pe}",
    "{O}{F}果然名不虚传，{B}这家选品可以{pe}",
    "加班回家发现{B}的{F}到了，瞬间治愈{pe}",
    "{B}的{F}{P}元{W}，这个价格这个品质，冲就完了",
]
BASE_NEU = [
    "有人买过{B}的{F}吗？想趁双11囤一点，求真实评价",
    "{B}和楼下水果店比，{F}一斤贵了3块，纠结要不要买",
    "{B}双11的满减规则看得我头晕，满199减30还能叠券吗{je}",
    "{B}这次的{F}是{O}产的，说是当季现摘，等收货看看",
    "刷到{B}直播在卖{F}，{P}元{W}，大家觉得划算吗",
    "今天的{F}是在{B}买的，还没吃，明天说感受",
    "{B}的{F}和超市的到底有没有区别，有没有懂行的说说{je}",
    "看了一圈还是在{B}下单了{F}，等收货",
    "{B}和果多多的{F}哪家好？选择困难症犯了{je}",
    "收藏了{B}的{F}，等双11当天再下单 http://t.cn/{U}",
]
BASE_NEG = [
    "{B}的快递也太慢了吧，说好次日达，{F}第三天才到，还好没坏{ne}",
    "{B}的{F}有点贵了，{P}元{W}，吃不起吃不起[允悲]",
    "这次{B}的{F}有两个不太新鲜，不过问题不大",
    "物流显示派送中一整天了，{B}的{F}到底什么时候到{ne}",
    "{B}涨价了吧？上个月的{F}还没这么贵{ne}",
    "{B}的{F}这次酸得很，跟详情页说的不一样{ne}",
]
CRISIS = {
    "quality": [
        "看到@林夕说书 的微博才敢说，我上周在{B}买的{F}也是烂了一半，还有发霉的{ne}",
        "同款经历！{B}的{F}打开就一股味，好几个都坏了{ne} #鲜果坊烂山竹#",
        "{B}的{F}根本不新鲜，放了一天就软了，我还以为是自己运气不好{ne}",
        "原来不是我一个人，{B}的{F}我也收到过烂果，当时忍了，现在不忍了",
        "发霉的山竹都敢发货，{B}你们的品控是摆设吗{ne} #鲜果坊烂山竹#",
        "打开箱子一股酒味，{F}全坏了，{B}真的离谱{ne}",
        "{B}的{F}外面看着好好的，切开里面全是黑的，已经扔了{ne}",
        "十个{F}烂了六个，长毛了都，{B}你自己吃吗{ne}",
        "上个月{B}的{F}也是变质的，我还给了好评，气死{ne}",
        "刚翻了下订单截图，{B}的{F}收到就腐烂了，跟姐姐的一模一样{ne}",
        "真的太倒霉了，{B}的{F}两箱都是坏果{ne} #鲜果坊烂山竹#",
    ],
    "refund": [
        "{B}退款难到离谱，我申请了三次都被驳回，理由是“签收超过24小时”{ne}",
        "谁说{B}退款难？我申请了一周还在“审核中”，确实难{ne}",
        "坏了还不给退，{B}你们是怎么做到理直气壮的{ne}",
        "退款拖了一周，最后只退了一半，{B}我记住你了{ne}",
        "{B}拒绝退款的理由是“生鲜不支持退货”，那你写坏果包赔干嘛{ne}",
        "烂成这样都不给退，{B}的售后规则谁定的{ne} #鲜果坊烂山竹#",
        "申请退款让我寄回烂果，运费自理，{B}你认真的吗{ne}",
    ],
    "cs": [
        "{B}客服不回复是常态，我上次等了两天只有机器人自动回复{ne}",
        "联系不上客服+1，{B}的电话永远占线{ne}",
        "{B}客服失联了吗，留言全部已读不回{ne}",
        "消息发了两天没人回复，{B}的客服失联了{ne}",
        "给{B}发了十几条消息，客服不回复，只能来微博了{ne} #鲜果坊烂山竹#",
        "机器人客服只会说“亲亲您的问题已记录”，{B}的人工客服在哪{ne}",
    ],
    "logistics": [
        "冷链？{B}的{F}快递慢得要死，路上走了三天，能不烂吗{ne}",
        "{B}的配送一直有问题，说好的次日达从来没达过{ne}",
        "{B}的物流我是服的，冰袋到手都是热水袋了{ne}",
        "快递慢就算了，{B}的{F}到手箱子都压扁了{ne}",
    ],
    "false_ad": [
        "说好的坏果包赔呢？{B}页面上写得明明白白，出事就不认，这不是虚假宣传是什么",
        "坏果包赔是假的吧？截图都在，{B}删页面也没用{ne} #鲜果坊烂山竹#",
        "图片仅供参考是吧？{B}详情页的{F}和收到的完全货不对板{ne}",
        "{B}天天喊坏果包赔，真坏了就装死，骗人的吧{ne}",
    ],
    "attitude": [
        "{B}客服态度差到离谱，还说是我自己放坏的{ne}",
        "出了问题不解决，{B}的客服态度差还嘴硬{ne}",
        "不光是果子的问题，是{B}这个态度，出了事就甩锅{ne}",
        "{B}客服回我“爱买不买”，这态度还做什么生意{ne}",
        "{B}的回复全是模板，敷衍到家了{ne} #鲜果坊烂山竹#",
        "问{B}客服坏果怎么处理，回复“生鲜有损耗很正常”，态度恶劣{ne}",
    ],
    "boycott": [
        "已卸载，再也不买{B}了{ne} #鲜果坊烂山竹#",
        "抵制{B}，大家双11别在这家买了{ne}",
        "取消了{B}的双11预售订单，定金不要了[拜拜]",
        "{B}拉黑了，谁爱买谁买{ne}",
        "本来购物车里放着{B}的{F}，现在全删了{ne}",
    ],
    "joke": [
        "山竹：这锅我不背{je} #鲜果坊烂山竹#",
        "今天的瓜是{B}的烂山竹{je}",
        "坐等{B}官方回应{je}",
        "吃瓜群众想知道，{B}的芒果还能买吗{je}",
        "看了一圈评论，{B}这次要凉了吧{je}",
        "一早上{B}就上热搜了，营销号都来了{je}",
        "双11前夕翻车，{B}公关今晚要加班了{je}",
        "我宣布{B}的山竹是今年最贵的霉菌培养皿{je}",
        "刚想下单{B}就看到这个，谢谢姐姐救我一命{je}",
    ],
    "defend": [
        "我买{B}好几年了一直没出过问题，可能是个例吧，别一棍子打死",
        "生鲜运输本来就有损耗，等{B}官方回应再说，别带节奏",
        "理性看待，{B}的{F}我上周买的还挺好的",
        "{B}之前口碑一直不错，希望是物流环节出的问题",
    ],
    "switch": [
        "从{B}换到果多多了，至少人家客服会回消息",
        "果多多的山竹刚下单，{B}拜拜了您嘞",
        "对比了一下，果多多坏果是真的赔，{B}学学吧",
        "{B}的预售退了，转头在果多多买了{F}",
        "以后买{F}就在果多多了，{B}再见{ne}",
        "果多多今天的{F}卖爆了吧，都是从{B}跑过去的{je}",
        "{B}出事这两天，果多多直播间的人明显多了{je}",
    ],
}
CRISIS_WEIGHTS = {"quality": 26, "refund": 13, "cs": 12, "logistics": 6, "false_ad": 7,
                  "attitude": 8, "boycott": 10, "joke": 9, "defend": 4, "switch": 5}
WAITING = [
    "一天过去了，{B}还是没有回应{ne}",
    "{B}官方微博还在发双11广告，评论区都炸了也不回{ne}",
    "{B}装死第二天，客服照样联系不上{ne} #鲜果坊烂山竹#",
    "二十多个小时了，{B}一个字都没有，这就是你们的态度？{ne}",
    "{B}是打算等热度过去吗{ne}",
]
AFTER = {
    "accept": [
        "态度还算诚恳，给{B}一次机会吧",
        "刚收到{B}的全额退款了，速度还行，这次处理得不错{pe}",
        "承认问题+全额退款+整改客服，{B}这个致歉还可以，支持",
        "好吧，退款到账了，原谅你一次{pe} #鲜果坊回应#",
        "{B}这次道歉没有甩锅，算是及格了",
        "客服终于打电话来了，{B}给退了款还补了券，态度很好，接受",
    ],
    "too_late": [
        "32小时才回应，{B}早干嘛去了{ne} #鲜果坊回应#",
        "热搜挂了一天半才道歉，{B}是在等热度过去吗{ne}",
        "不是被骂上热搜，{B}会道歉吗？{ne}",
        "道歉晚了32个小时，{B}的客服到底有没有人{ne}",
        "早干嘛去了，{B}的道歉我不接受{ne}",
        "等{B}回应等了32小时，黄花菜都凉了{ne}",
    ],
    "skeptic": [
        "看行动吧，{B}说整改客服，下次别又是机器人{je}",
        "50块券就想打发？{B}算了吧{ne}",
        "{B}致歉写得挺好，就是不知道是不是公关公司代笔的{je}",
        "{B}说温控故障，那之前那些烂果也是温控故障吗{je}",
        "先观望，{B}的退款我还没收到{je}",
    ],
}
TAIL = {
    "pos": [
        "{B}的退款到账了，还多给了一张券，满意{pe}",
        "昨天又在{B}买了点{F}，这次挺新鲜的，希望他们真的改了",
        "{B}的客服今天秒回了，很耐心，看来是真整改了{pe}",
        "{B}这次的{F}没问题，冰袋也是冻的{pe}",
        "{B}换了新的冷链包装，{F}收到都很好{pe}",
    ],
    "neu": [
        "风波过去了，{B}的山竹还敢买吗？{je}",
        "{B}这事给所有生鲜电商提了个醒",
        "{B}的热搜下去了，不知道双11销量会不会受影响{je}",
        "{B}和果多多现在都在打“坏果秒退”，卷起来了{je}",
        "复盘一下{B}这次的公关：慢，但最后的方案还行",
    ],
    "neg": [
        "还是没退款，{B}说好的24小时回复呢{ne}",
        "{B}的客服又变回机器人了，整改就三天？{ne}",
        "这次{B}的{F}还是有两个坏的，失望{ne}",
        "说是全额退款，{B}到现在只退了一半{ne}",
    ],
}
COMP_TEXT = [
    "果多多的{F}今天到了，很甜{pe}",
    "果多多双11满减力度挺大，已经下单{F}了",
    "果多多的次日达真的是次日达，{F}新鲜{pe}",
    "果多多的车厘子一般般，有点小",
    "第一次在果多多买{F}，包装比想象中好",
    "果多多坏果拍照就秒退，体验不错{pe}",
    "果多多的{F}{P}元{W}，比别家便宜",
    "#果多多# 这周的{F}不太行，有点酸",
]
TRAP_TEXT = [
    "野生猕猴桃这种新鲜果坊间俗称“藤梨”，我们老家山上到处都是[哈哈]",
    "八月炸这种新鲜果坊间俗称“牛卵坨”，哈哈哈名字太土了[doge]",
    "关于吃新鲜果坊间流传一个说法：空腹不能吃柿子，是真的吗？[思考]",
    "刚上市的新鲜果坊间都说要贵一阵子，等等再买",
    "山里摘的新鲜果坊间卖得最快，去晚了就没了，今天又没抢到[泪]",
]
# Openers and closers by tone, so one template yields several texts.
DECOR = {
    "pos": (["分享一下，", "今日份快乐：", "好物分享｜", "碎碎念：", "打卡，", "真心推荐，"],
            [" 推荐", " 已回购", "！", " 绝绝子", " 爱了"]),
    "neu": (["问一下，", "好奇，", "路过，", "说实话，", "纠结中，"],
            [" 有懂的吗", "。", " 观望中", " 蹲一个"]),
    "neg": (["真的无语，", "说个事，", "姐妹们避雷，", "气到发抖，", "服了，", "刚看到热搜，",
             "我就说呢，", "忍不了了，"],
            [" 大家避雷", " 气死了", " 无语", "。", " 维权好难", " 呵呵", " 心累"]),
    "joke": (["笑死，", "哈哈哈哈", "前排吃瓜，", "今日瓜田：", "路过吃瓜，"],
             [" 哈哈哈", " 坐等后续", " 瓜保熟吗", ""]),
}
TONE = {"pos": "pos", "neu": "neu", "neg": "neg", "joke": "joke", "defend": "neu",
        "switch": "neu", "accept": "pos", "too_late": "neg", "skeptic": "neu",
        "waiting": "neg", "competitor": "pos"}

CHAIN_COMMENTS = ["转发微博", "心疼姐姐", "太过分了", "我也遇到过", "支持维权", "顶上去",
                  "离谱", "必须给个说法", "已经在路上了", "看哭了"]

VIRAL_TEXT = (
    "#鲜果坊烂山竹# 忍了两天还是要说。11月1日在某东鲜果坊旗舰店买了5斤泰国山竹，"
    "说好冷链次日达，11月3日才到，打开一半都烂了，好几个发霉长毛（图1-4）。页面写着"
    "“坏果包赔”，申请退款直接被拒绝，理由是“签收超过24小时不予退货”。联系客服两天，"
    "客服不回复，电话打不通，在线客服永远是机器人。不是几十块钱的事，是这个态度。"
    "@鲜果坊官方旗舰店 请给个说法。[怒] http://t.cn/A6Xg8kLp"
)
UPDATE_TEXT = "更新：鲜果坊客服到现在还是没有回复，倒是好多朋友私信说遇到过一样的事。"
APOLOGY_TEXT = (
    "【致歉声明】关于近日用户反映的山竹腐烂发霉、退款被拒及客服无人回复等问题，我们深表歉意。"
    "经核查，11月1日至3日发出的部分泰国山竹在冷链转运中温控故障，导致到货腐烂；售后团队"
    "在双11前机械执行审核规则，拒绝了本应支持的退款申请。我们承诺：1. 该批次订单无需退货，"
    "全额退款，另补偿50元无门槛券；2. 即日起整改客服，增加人工客服，24小时内必回复；"
    "3. 严格执行“坏果包赔”，坏果拍照即退。再次向@林夕说书 及所有受影响的顾客致歉。"
    "#鲜果坊回应# http://t.cn/A6Xh2mQz"
)

# Activity by hour of day (relative): few posts at night, more at noon and in the evening.
HOUR_WEIGHT = [2.0, 1.2, 0.6, 0.4, 0.3, 0.4, 0.8, 1.8, 2.6, 3.0, 3.2, 3.8,
               4.6, 4.0, 3.2, 3.0, 3.0, 3.4, 4.0, 4.6, 5.2, 5.4, 4.6, 3.2]
_HW_SUM = sum(HOUR_WEIGHT)
_HW_MEAN = _HW_SUM / 24

ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def base62(n: int) -> str:
    s = ""
    while True:
        n, r = divmod(n, 62)
        s = ALPHABET[r] + s
        if n == 0:
            return s


def mid_to_bid(mid: str) -> str:
    """Weibo's mid -> bid: 7-digit groups from the right, each in base 62 (4 chars)."""
    groups = []
    while mid:
        groups.insert(0, mid[-7:])
        mid = mid[:-7]
    out = base62(int(groups[0]))
    for g in groups[1:]:
        out += base62(int(g)).rjust(4, "0")
    return out


def count_str(n: int) -> str:
    """weibo-search's display form: 1.1万 above 10,000."""
    if n >= 10_000:
        return f"{n / 10_000:.1f}".rstrip("0").rstrip(".") + "万"
    return str(n)


def count_int(s: str) -> int:
    if s.endswith("万+"):
        return int(float(s[:-2]) * 10_000)
    if s.endswith("万"):
        return round(float(s[:-1]) * 10_000)
    return int(s)


class Generator:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.posts: list[dict] = []
        self.users: list[dict] = []
        self._used_uids = {WRITER["uid"], BRAND["uid"], GOSSIP["uid"], COMPETITOR["uid"]}
        self._used_uids |= {m["uid"] for m in MEDIA.values()}
        self._used_nicks: set[str] = set()

    # -- helpers --------------------------------------------------------------------------
    def pick(self, seq):
        return self.rng.choice(seq)

    def weighted(self, pairs):
        items, weights = zip(*pairs, strict=True)
        return self.rng.choices(items, weights=weights)[0]

    def poisson(self, lam: float) -> int:
        if lam <= 0:
            return 0
        if lam > 30:
            return max(0, round(self.rng.gauss(lam, math.sqrt(lam))))
        limit, k, p = math.exp(-lam), 0, 1.0
        while True:
            p *= self.rng.random()
            if p <= limit:
                return k
            k += 1

    def short_url(self) -> str:
        return "A6" + "".join(self.rng.choice(ALPHABET) for _ in range(6))

    def new_user(self) -> dict:
        rng = self.rng
        while True:
            uid = str(rng.randint(5_000_000_000, 7_999_999_999))
            if uid not in self._used_uids:
                break
        while True:
            if rng.random() < 0.12:
                nick = "用户" + str(rng.randint(5_000_000_000, 7_999_999_999))
            else:
                nick = self.pick(NICK_HEAD) + self.pick(NICK_CORE) + self.pick(NICK_TAIL)
            if nick not in self._used_nicks and len(nick) >= 2:
                break
        self._used_uids.add(uid)
        self._used_nicks.add(nick)
        followers = int(math.exp(rng.uniform(math.log(50), math.log(5000))))
        user = {"nick": nick, "uid": uid, "followers": followers,
                "tool": self.weighted(TOOLS),
                "city": self.pick(CITIES) if rng.random() < 0.3 else ""}
        self.users.append(user)
        return user

    def ordinary_user(self) -> dict:
        # Mostly new voices; some people post more than once.
        if self.users and self.rng.random() < 0.18:
            return self.pick(self.users)
        return self.new_user()

    def fill(self, template: str, fruit: str | None = None, tone: str = "neg") -> str:
        rng = self.rng
        f = fruit or self.pick(FRUITS)
        openers, closers = DECOR[tone]
        head = self.pick(openers) if rng.random() < 0.3 else ""
        tail = self.pick(closers) if rng.random() < 0.3 else ""
        return head + template.format(
            B=self.weighted(BRAND_ALIASES), F=f, O=ORIGINS[f],
            P=self.pick(["29.9", "39.9", "49", "59", "69.9", "89", "99", "129"]),
            W=self.pick(["2斤", "3斤", "5斤", "一箱", "两斤"]),
            pe=self.pick(POS_EMO), ne=self.pick(NEG_EMO), je=self.pick(JOKE_EMO),
            U=self.short_url(),
        ) + tail + (f" http://t.cn/{self.short_url()}" if rng.random() < 0.04 else "")

    def engagement(self, user: dict, boost: float = 1.0) -> tuple[int, int, int]:
        rng = self.rng
        scale = (user["followers"] / 1000) ** 0.6 * boost
        likes = int(rng.expovariate(1.0) * 3 * scale)
        comments = int(likes * rng.uniform(0.1, 0.6) + (rng.random() < 0.3))
        reposts = int(likes * rng.uniform(0.0, 0.35))
        return reposts, comments, likes

    def add(self, when: datetime, user: dict, text: str, *, boost: float = 1.0,
            counts: tuple[str, str, str] | None = None, pics: int | None = None,
            retweet_of: dict | None = None, article: str = "", video: str = "",
            kind: str = "") -> dict:
        rng = self.rng
        if counts is None:
            counts = tuple(count_str(n) for n in self.engagement(user, boost))
        if pics is None:
            pics = rng.choice([1, 1, 2, 3, 4, 6, 9]) if rng.random() < 0.25 else 0
        post = {
            "time": when, "user": user, "text": text, "counts": counts,
            "pics": pics, "retweet_of": retweet_of, "article": article, "video": video,
            "city": user["city"] if rng.random() < 0.5 else "", "kind": kind,
        }
        self.posts.append(post)
        return post

    def at(self, day: int, hour: int, minute: int | None = None) -> datetime:
        """A time on day ``day`` (0 = 2026-11-02) with random seconds."""
        m = self.rng.randrange(60) if minute is None else minute
        return START + timedelta(days=day, hours=hour, minutes=m,
                                 seconds=self.rng.randrange(60))

    # -- the story --------------------------------------------------------------------------
    def intensities(self, t: datetime) -> tuple[float, float, float]:
        """Expected brand mentions in the hour starting at ``t``: baseline, wave, apology."""
        h = t.hour
        base = 30 * HOUR_WEIGHT[h] / _HW_SUM
        activity = 0.35 + 0.65 * HOUR_WEIGHT[h] / _HW_MEAN
        mid = t + timedelta(minutes=30)
        wave = apology = 0.0
        dt = (mid - VIRAL_TIME).total_seconds() / 3600
        dg = (mid - GOSSIP_TIME).total_seconds() / 3600
        if dt > 0:
            # the writer's own followers, then the 金V pick-up, then a slow tail
            wave = 18 * (1 - math.exp(-dt / 0.7)) * math.exp(-dt / 2) + 6.5 * math.exp(-dt / 26)
            if dg > 0:
                wave += 38 * (1 - math.exp(-dg / 0.4)) * math.exp(-dg / 2.2)
            wave *= activity
        da = (mid - APOLOGY_TIME).total_seconds() / 3600
        if da > 0:
            apology = 11 * (1 - math.exp(-da / 0.4)) * math.exp(-da / 3.5) * activity
        return base, wave, apology

    def baseline_text(self, t: datetime) -> tuple[str, str]:
        after = t >= VIRAL_TIME
        tail = t >= APOLOGY_TIME + timedelta(hours=24)
        if not after:
            w = [("pos", 55), ("neu", 35), ("neg", 10)]
        elif tail:
            w = [("pos", 60), ("neu", 30), ("neg", 10)]
        else:
            w = [("pos", 30), ("neu", 50), ("neg", 20)]
        cat = self.weighted(w)
        bank = {"pos": BASE_POS, "neu": BASE_NEU, "neg": BASE_NEG}[cat]
        return cat, self.fill(self.pick(bank), tone=cat)

    def crisis_text(self, t: datetime) -> tuple[str, str]:
        cat = self.weighted(list(CRISIS_WEIGHTS.items()))
        fruit = "山竹" if self.rng.random() < 0.6 else None
        return cat, self.fill(self.pick(CRISIS[cat]), fruit, tone=TONE.get(cat, "neg"))

    def wave_text(self, t: datetime) -> tuple[str, str]:
        dt = (t - VIRAL_TIME).total_seconds() / 3600
        da = (t - APOLOGY_TIME).total_seconds() / 3600
        if da < 0:
            if dt > 20 and self.rng.random() < 0.4:
                return "waiting", self.fill(self.pick(WAITING), tone="neg")
            return self.crisis_text(t)
        if da < 12:
            w = [("accept", 30), ("too_late", 35), ("skeptic", 20), ("crisis", 15)]
        elif da < 36:
            w = [("accept", 25), ("too_late", 15), ("skeptic", 15), ("pos", 20),
                 ("neg", 15), ("neu", 10)]
        else:
            w = [("pos", 50), ("neu", 32), ("neg", 13), ("too_late", 5)]
        cat = self.weighted(w)
        if cat == "crisis":
            return self.crisis_text(t)
        bank = AFTER.get(cat) or TAIL[cat]
        return cat, self.fill(self.pick(bank), tone=TONE[cat])

    def hourly(self) -> None:
        rng = self.rng
        for hour_index in range(DAYS * 24):
            t0 = START + timedelta(hours=hour_index)
            base, wave, apology = self.intensities(t0)
            for stream, lam in (("base", base), ("wave", wave), ("apology", apology)):
                for _ in range(self.poisson(lam)):
                    lo = 0
                    if stream != "base" and t0 <= VIRAL_TIME < t0 + timedelta(hours=1):
                        lo = VIRAL_TIME.minute + 2
                    if stream == "apology" and t0 <= APOLOGY_TIME < t0 + timedelta(hours=1):
                        lo = APOLOGY_TIME.minute + 3
                    when = t0 + timedelta(minutes=rng.randrange(lo, 60),
                                          seconds=rng.randrange(60))
                    if stream == "base":
                        cat, text = self.baseline_text(when)
                        boost = 1.0
                    else:
                        cat, text = self.wave_text(when)
                        boost = 2.5 if cat in CRISIS_WEIGHTS else 1.3
                    self.add(when, self.ordinary_user(), text, boost=boost, kind=cat)
            # competitor: ~7 a day, more during the crisis
            comp = 7 * HOUR_WEIGHT[t0.hour] / _HW_SUM + 0.05 * wave
            for _ in range(self.poisson(comp)):
                when = t0 + timedelta(minutes=rng.randrange(60), seconds=rng.randrange(60))
                if VIRAL_TIME < when < APOLOGY_TIME + timedelta(hours=24) and rng.random() < 0.3:
                    text = self.fill(self.pick(CRISIS["switch"]), tone="neu")
                    kind = "switch"
                else:
                    text = self.fill(self.pick(COMP_TEXT), tone="pos")
                    kind = "competitor"
                self.add(when, self.ordinary_user(), text, kind=kind)

    def specials(self) -> None:
        rng = self.rng
        pics4 = 4
        # the brand's own promotions before the crisis ("坏果包赔" is their promise)
        promos = [
            (0, 10, "【鲜果坊双11预售开启】泰国山竹现摘直发，冷链次日达，满199减30，坏果包赔，"
                    "放心买！#双11好物推荐# http://t.cn/{U}"),
            (1, 12, "鲜果坊今日宠粉：转发+关注抽3位送阿克苏冰糖心苹果一箱🍎 坏果包赔，闭眼入！"
                    "http://t.cn/{U}"),
            (2, 19, "车厘子季来啦🍒 智利JJ级，顺丰冷链，坏果包赔～双11定金50抵100 #鲜果坊#"),
            (3, 6, "早安☀️ 双11倒计时，鲜果坊山竹今日补货，冷链次日达，坏果包赔！"
                   "#双11好物推荐#"),
        ]
        for day, hour, text in promos:
            self.add(self.at(day, hour), BRAND, text.format(U=self.short_url()),
                     counts=tuple(str(rng.randint(a, b)) for a, b in ((8, 40), (12, 60),
                                                                       (30, 160))),
                     pics=3, kind="official")
        foodie = MEDIA["foodie"]
        self.add(self.at(1, 18, 30), foodie,
                 "杭州吃货的双11清单来了！实测@鲜果坊官方旗舰店 的泰国山竹，果肉雪白，"
                 "冷链到手还是冰的😋 评论区抽5位送一箱 #双11好物推荐# #鲜果坊#",
                 counts=("96", "312", "845"), pics=9, kind="pos")
        self.add(self.at(2, 20, 5), self.new_user(),
                 "开箱视频｜鲜果坊的车厘子到底值不值？一个个称了重，结论在最后 #开箱#",
                 counts=("3", "12", "57"), pics=0, kind="pos",
                 video="http://f.video.weibocdn.com/o0/" + "".join(
                     rng.choice(ALPHABET) for _ in range(22)) + ".mp4?label=mp4_720p")

        # the viral post, the gossip pick-up, the update
        viral = self.add(VIRAL_TIME + timedelta(seconds=17), WRITER, VIRAL_TEXT,
                         counts=("2865", "514", "3477"), pics=pics4, kind="viral")
        viral["city"] = WRITER["city"]
        self.viral = viral
        self.add(GOSSIP_TIME + timedelta(seconds=41), GOSSIP,
                 "【千万粉博主曝鲜果坊山竹发霉 申请退款遭拒】11月5日，博主@林夕说书 发文称"
                 "在鲜果坊旗舰店购买的山竹到货后大量腐烂发霉，申请退款被拒，客服多日未回复。"
                 "截至发稿，@鲜果坊官方旗舰店 暂未回应。你遇到过生鲜坏果不给退吗？"
                 "#鲜果坊烂山竹# #生鲜电商坏果谁来赔# http://t.cn/A6XgQ3vN",
                 counts=("1893", "2764", count_str(11_000)), pics=4, kind="media")
        update = self.add(UPDATE_TIME + timedelta(seconds=8), WRITER, UPDATE_TEXT,
                          counts=("604", "231", "2108"), pics=0, retweet_of=viral,
                          kind="update")
        self.add(datetime(2026, 11, 5, 10, 21, 3), MEDIA["rights"],
                 "【提醒】生鲜商品的“坏果包赔”是商家的承诺，遇到鲜果坊这类情况，请保留开箱照片、"
                 "聊天记录和订单截图，先找平台介入，再向12315投诉。#生鲜电商坏果谁来赔#",
                 counts=("388", "127", "1265"), pics=1, kind="media")
        self.add(datetime(2026, 11, 5, 14, 5, 22), MEDIA["lawyer"],
                 "说一下鲜果坊这件事：生鲜确实不适用七天无理由退货，但到货腐烂、发霉属于质量问题，"
                 "不在此列；商家写了“坏果包赔”就要履行，否则涉嫌虚假宣传。",
                 counts=("512", "246", "1930"), pics=0, kind="media")
        self.add(datetime(2026, 11, 6, 9, 32, 10), MEDIA["news"],
                 "【鲜果坊山竹事件追踪】记者今日多次致电鲜果坊客服热线均未接通，在线客服为自动回复。"
                 "截至发稿，@鲜果坊官方旗舰店 仍未回应。#鲜果坊烂山竹# http://t.cn/A6XkP7wR",
                 counts=("267", "418", "1544"), pics=2, kind="media")
        self.add(datetime(2026, 11, 6, 7, 48, 2), MEDIA["industry"],
                 "从鲜果坊事件看生鲜电商的冷链短板：进口山竹从到港到消费者手里要转三次仓，"
                 "任何一环温控失灵都会烂果。坏果包赔不能只写在详情页上。",
                 counts=("73", "58", "402"), pics=1, kind="media")

        # the apology and after
        self.add(APOLOGY_TIME + timedelta(seconds=4), BRAND, APOLOGY_TEXT,
                 counts=("1876", count_str(13_000), "2209"), pics=1, kind="apology",
                 article="https://weibo.com/ttarticle/p/show?id=2309405102384617550134")
        self.add(datetime(2026, 11, 6, 16, 40, 12), MEDIA["news"],
                 "【鲜果坊致歉：问题批次全额退款，整改客服】11月6日15时许，@鲜果坊官方旗舰店 "
                 "发布致歉声明，此时距@林夕说书 发文已过去约32小时。#鲜果坊回应#",
                 counts=("198", "655", "2371"), pics=1, kind="media")
        self.add(datetime(2026, 11, 6, 18, 41, 30), WRITER,
                 "收到鲜果坊的电话和全额退款了。道歉我接受，但希望整改客服不是一句空话，"
                 "也谢谢大家这两天的支持。#鲜果坊回应#",
                 counts=("812", "1366", "9875"), pics=0, kind="accept")
        self.add(datetime(2026, 11, 7, 11, 2, 45), BRAND,
                 "【退款进度公告】截至11月7日10时，问题批次订单已全部完成退款，人工客服已扩充至"
                 "40人，平均回复时间3分钟。如仍未收到退款，请私信我们。#鲜果坊回应#",
                 counts=("102", "877", "640"), pics=1, kind="official")
        self.add(datetime(2026, 11, 7, 14, 20, 9), MEDIA["rights"],
                 "鲜果坊事件后续：问题订单已退款。提醒各位，生鲜开箱先拍照，坏果当天申请售后。"
                 "#生鲜电商坏果谁来赔#",
                 counts=("56", "41", "388"), pics=0, kind="media")
        self.add(datetime(2026, 11, 8, 19, 15, 3), MEDIA["foodie"],
                 "风波之后再下单：鲜果坊的山竹这次冷链箱换了新的，12个全好，客服两分钟内回复。"
                 "你们还会回购吗？#鲜果坊#",
                 counts=("45", "389", "1206"), pics=6, kind="pos")
        self.add(datetime(2026, 11, 8, 10, 0, 30), BRAND,
                 "坏果包赔升级为“坏果秒退”🍊 拍照即退，无需寄回。感谢大家的监督，"
                 "我们会做得更好。#鲜果坊#",
                 counts=("41", "233", "318"), pics=2, kind="official")
        self.add(datetime(2026, 11, 6, 20, 12, 51), COMPETITOR,
                 "坏果包赔，三倍赔付🍒 果多多车厘子双11预售中，冷链次日达。#果多多#",
                 counts=("64", "521", "290"), pics=3, kind="competitor")
        self.add(datetime(2026, 11, 3, 12, 30, 7), COMPETITOR,
                 "双11预售开启！果多多阳光玫瑰、冰糖心苹果满200减40 #果多多# "
                 f"http://t.cn/{self.short_url()}",
                 counts=("12", "20", "88"), pics=4, kind="competitor")

        # repost chains of the writer's update (retweet_id = the viral post)
        chain_users = [self.ordinary_user() for _ in range(4)]
        for i in range(22):
            when = UPDATE_TIME + timedelta(minutes=4 + rng.expovariate(1 / 150))
            user = self.ordinary_user()
            head = self.pick(CHAIN_COMMENTS)
            link = f"//@{WRITER['nick']}:{UPDATE_TEXT}"
            if i % 3 == 2:
                mid = self.pick(chain_users)
                link = f"//@{mid['nick']}:{self.pick(CHAIN_COMMENTS)}{link}"
            self.add(when, user, head + link, pics=0, retweet_of=viral, boost=0.8,
                     kind="chain")
        # pure reposts of the original without own words
        for minutes in (25, 48, 131):
            self.add(VIRAL_TIME + timedelta(minutes=minutes, seconds=rng.randrange(60)),
                     self.ordinary_user(), "转发微博", pics=0, retweet_of=viral, boost=0.3,
                     kind="pure_repost")
        # the accidental 鲜果坊 substring
        for i, text in enumerate(TRAP_TEXT):
            self.add(self.at((i * 3) % DAYS, rng.choice([9, 12, 15, 20, 21])),
                     self.new_user(), text, kind="trap")
        # image-only posts whose text came back empty
        for when in (datetime(2026, 11, 5, 10, 44, 12), datetime(2026, 11, 7, 20, 17, 36)):
            self.add(when, self.new_user(), "", pics=3, kind="empty")
        _ = update

    # -- output ----------------------------------------------------------------------------
    def finalize(self) -> list[dict]:
        rng = self.rng
        self.posts.sort(key=lambda p: p["time"])
        last = 0
        for p in self.posts:
            secs = (p["time"] - START).total_seconds()
            mid = 5_100_000_000_000_000 + int(secs * 4_166_667) + rng.randrange(4_000_000)
            mid = max(mid, last + rng.randrange(1, 40))
            last = mid
            p["id"] = str(mid)
            p["bid"] = mid_to_bid(p["id"])
        rows = []
        for p in self.posts:
            u = p["user"]
            text = p["text"]
            pics = ",".join(
                f"https://wx{rng.randint(1, 4)}.sinaimg.cn/large/"
                + "".join(rng.choice(ALPHABET) for _ in range(8)) + "ly1h"
                + "".join(rng.choice(ALPHABET[:36]) for _ in range(20)) + ".jpg"
                for _ in range(p["pics"]))
            rows.append({
                "id": p["id"], "bid": p["bid"], "user_id": u["uid"], "用户昵称": u["nick"],
                "微博正文": text, "头条文章url": p["article"], "发布位置": p["city"],
                "艾特用户": ",".join(dict.fromkeys(re.findall(r"@([\w\-]+)", text))),
                "话题": ",".join(dict.fromkeys(re.findall(r"#([^#\s]+)#", text))),
                "转发数": p["counts"][0], "评论数": p["counts"][1], "点赞数": p["counts"][2],
                "发布时间": p["time"].strftime("%Y-%m-%d %H:%M"),
                "发布工具": u["tool"], "微博图片url": pics, "微博视频url": p["video"],
                "retweet_id": p["retweet_of"]["id"] if p["retweet_of"] else "",
                "_followers": u["followers"], "_kind": p["kind"],
            })
        return self.crawl_order(rows)

    def crawl_order(self, rows: list[dict]) -> list[dict]:
        """weibo-search order: day by day, newest first within a day; a retweeted original
        is written just before the first row that retweets it; an append-mode re-run of
        2026-11-05 10:00-11:00 repeats a few rows at the end."""
        by_id = {r["id"]: r for r in rows}
        days: dict[str, list[dict]] = {}
        for r in rows:
            days.setdefault(r["发布时间"][:10], []).append(r)
        out, written = [], set()
        for day in sorted(days):
            for r in sorted(days[day], key=lambda r: r["id"], reverse=True):
                if r["id"] in written:
                    continue
                orig = r["retweet_id"]
                if orig and orig not in written:
                    out.append(by_id[orig])
                    written.add(orig)
                out.append(r)
                written.add(r["id"])
        rerun = [r for r in rows if "2026-11-05 10:00" <= r["发布时间"] <= "2026-11-05 10:59"
                 and r["微博正文"] and r["_kind"] in CRISIS_WEIGHTS]
        dups = [self.viral_row(by_id), *self.rng.sample(rerun, 3)]
        return out + dups

    def viral_row(self, by_id: dict) -> dict:
        return by_id[self.viral["id"]]


def write(rows: list[dict], out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / CSV_NAME, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(CSV_HEADER)
        for r in rows:
            w.writerow([r[c] for c in CSV_HEADER])
    with open(out_dir / JSONL_NAME, "w", encoding="utf-8", newline="\n") as fh:
        for r in rows:
            obj = {
                "post_id": r["id"],
                "content": r["微博正文"],
                "published_at": r["发布时间"].replace(" ", "T") + ":00+08:00",
                "author": r["用户昵称"],
                "author_id": r["user_id"],
                "followers": r["_followers"],
                "reposts": count_int(r["转发数"]),
                "comments": count_int(r["评论数"]),
                "likes": count_int(r["点赞数"]),
                "url": f"https://weibo.com/{r['user_id']}/{r['bid']}",
                "platform": "weibo",
            }
            fh.write(json.dumps(obj, ensure_ascii=False) + "\n")


def generate(seed: int = SEED) -> list[dict]:
    g = Generator(seed)
    g.specials()
    g.hourly()
    return g.finalize()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent,
                    help="directory to write the two files into (default: next to this script)")
    ap.add_argument("--seed", type=int, default=SEED, help=f"random seed (default {SEED})")
    args = ap.parse_args(argv)
    rows = generate(args.seed)
    write(rows, args.out)
    print(f"wrote {len(rows)} rows to {args.out / CSV_NAME} and {args.out / JSONL_NAME}")


if __name__ == "__main__":
    main()
